// Runs in: node. The shipped question catalogue for enrolment (issue 5, item 1), in Korean and
// English. Ids are stable: profiles keep the id, not the words, so wording can be improved later.

export interface CatalogueQuestion {
  id: string;
  en: string;
  ko: string;
}

export const QUESTION_CATALOGUE: readonly CatalogueQuestion[] = [
  { id: 'q.birth_city', en: 'In which city were you born?', ko: '태어난 도시는 어디인가요?' },
  { id: 'q.childhood_town', en: 'In which town or city did you grow up?', ko: '어린 시절을 보낸 동네나 도시는 어디인가요?' },
  { id: 'q.first_school', en: 'What was the name of your elementary school?', ko: '다닌 초등학교 이름은 무엇인가요?' },
  { id: 'q.first_pet', en: 'What was the name of your first pet?', ko: '처음 키운 반려동물의 이름은 무엇인가요?' },
  { id: 'q.best_friend', en: 'What is the first name of your childhood best friend?', ko: '어린 시절 가장 친한 친구의 이름은 무엇인가요?' },
  { id: 'q.mother_birthday', en: "What is your mother's birthday?", ko: '어머니의 생신은 언제인가요?' },
  { id: 'q.wedding_date', en: 'On which date did you get married?', ko: '결혼기념일은 언제인가요?' },
  { id: 'q.favourite_food', en: 'What is your favourite food?', ko: '가장 좋아하는 음식은 무엇인가요?' },
  { id: 'q.first_job', en: 'What was your first job?', ko: '첫 직업은 무엇이었나요?' },
  { id: 'q.first_car', en: 'What was the make or model of your first car?', ko: '처음 탄 자동차의 제조사나 모델은 무엇인가요?' },
  { id: 'q.favourite_teacher', en: 'What was the surname of your favourite teacher?', ko: '가장 좋아했던 선생님의 성은 무엇인가요?' },
  { id: 'q.honeymoon', en: 'Where did you go on your honeymoon or first trip abroad?', ko: '신혼여행지나 첫 해외여행지는 어디였나요?' },
];

const BY_ID = new Map(QUESTION_CATALOGUE.map((q) => [q.id, q]));

export function catalogueQuestion(id: string): CatalogueQuestion | undefined {
  return BY_ID.get(id);
}

/** Custom questions are numbered within a profile: `custom-1` … `custom-5`. */
export function customQuestionId(index: number): string {
  return `custom-${index + 1}`;
}

/** The multiple-choice history question (its options change per dialogue). */
export const HISTORY_QUESTION = {
  en: 'Which of these did you buy in the last 30 days?',
  ko: '최근 30일 안에 구매하신 상품은 어느 것인가요?',
} as const;
