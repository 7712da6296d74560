// Runs in: node (approval worker, CLI). The general word knowledge the scorer uses: words that
// carry no identity (fillers, function words, category nouns), abbreviations, nicknames,
// number words, evasions and prompt-injection shapes, in English and Korean. Nothing here is
// about a particular enrolled answer: these are lists a person would write for any store.

/** Function words: they glue an answer together and never identify anyone. */
export const STOPWORDS_EN = new Set(
  (
    'a an the my our his her their its your me i we you he she it they them him ' +
    'of in at on to from by for with near about into around inside as and or but ' +
    'is was were are be been being am do did does had has have would could should ' +
    'it\'s its that this these those there here what which who whom whose ' +
    'called named name names known just really very so well um uh er hmm oh yes yeah ok okay ' +
    'think guess believe suppose probably maybe perhaps definitely certainly surely pretty sure ' +
    'grew grow up born raised lived live living used use s'
  ).split(' '),
);

/**
 * Korean words that only frame an answer (pronouns, "my", "it was", "hometown is"): a whole
 * token after particles are stripped. Content words of a question ("고향", "이름") belong here
 * too: an answer that repeats the question adds nothing.
 */
export const STOPWORDS_KO = new Set(
  (
    '제 저 저의 나 내 나의 우리 우리집 저희 제가 내가 저는 나는 그 그건 그거 이건 이거 거 것 ' +
    '고향 이름 답 정답 대답 아마 아마도 글쎄 음 어 그냥 진짜 정말 예 네 응 ' +
    '살았어요 살았습니다 살았던 자랐어요 자랐습니다 자란 태어났어요 태어났습니다 태어난 ' +
    '있어요 있었어요 있습니다 였어요 였습니다 이었어요 이었습니다 입니다 이에요 예요 이요 요 ' +
    '부르던 불렀어요 불렀던 라고 이라고 했어요 했습니다 거예요 거에요 같아요 것 같아요 ' +
    '처음 첫 가장 제일 자주 많이 주로 먹던 좋아하는 좋아했던 다녔어요 다녔던 다닌 졸업했어요 ' +
    '일했어요 일했던 근무했어요 샀어요 샀던 사는 해요 했던'
  ).split(' '),
);

/**
 * Phrases removed before tokenising: the frames people put around an answer. Patterns, not a
 * list of answers; applied to lower-case text.
 */
export const FILLER_PATTERNS_EN: RegExp[] = [
  /\b(?:i|we)\s+(?:grew|grow)\s+up\s+(?:in|at|on|near)\b/g,
  /\b(?:i|we)\s+(?:was|were)\s+(?:born|raised)\s+(?:in|at|on)\b/g,
  /\b(?:i|we)\s+(?:lived|used\s+to\s+live)\s+(?:in|at|on)\b/g,
  /\bmy\s+(?:first\s+)?(?:home|house|hometown|town|city)\s+(?:was|is)\b/g,
  /\b(?:the\s+)?answer\s+(?:is|was|would\s+be)\b/g,
  /\b(?:it|that|this)\s+(?:was|is|would\s+be|should\s+be|must\s+be)\b/g,
  /\b(?:it's|that's|thats|its)\b/g,
  /\b(?:i\s+think|i\s+believe|i\s+guess|i\s+suppose|i'm\s+pretty\s+sure|pretty\s+sure|i\s+am\s+sure)\b/g,
  /\b(?:his|her|its|their|our|my)\s+name\s+(?:was|is)\b/g,
  /\b(?:we|they|i)\s+(?:called|named|call|name)\s+(?:him|her|it|them)\b/g,
  /\b(?:i|we)\s+(?:went\s+to|attended|studied\s+at|graduated\s+from|worked\s+at|worked\s+in|bought|drove|learned\s+in|learnt\s+in)\b/g,
  /\b(?:favou?rite\s+(?:one|film|movie|dish|food)\s+(?:is|was))\b/g,
];

/** Korean frames around the answer: "제 고향은 … 입니다", "… 에서 자랐어요". */
export const FILLER_PATTERNS_KO: RegExp[] = [
  /(?:제|저의|나의|내|우리)\s*(?:고향|첫\s*집|이름|동생\s*이름|차|학교)\s*(?:은|는|이|가)?/g,
  /(?:에서|에)\s*(?:자랐|살았|태어났|다녔|일했|근무했)(?:어요|습니다|다|지요|죠)?/g,
  /(?:이었|였)(?:어요|습니다|다|지요|죠)/g,
  /(?:이라고|라고)\s*(?:불렀|했|합니다|해요)(?:어요|습니다|다)?/g,
  /(?:인\s*것\s*같아요|인\s*거\s*같아요|같아요|일\s*거예요|일\s*걸요)/g,
];

/**
 * Trailing Korean particles and copulas, longest first. A token keeps its unstripped form too,
 * so a noun that merely ends in these syllables (고양이) still matches itself.
 */
export const KOREAN_SUFFIXES = [
  '이었습니다', '였습니다', '이었어요', '였어요', '이에요', '입니다', '이예요', '예요', '에요',
  '이랑', '에서요', '에서', '으로', '께서', '한테', '이요', '이야', '이다',
  '은', '는', '이', '가', '을', '를', '에', '의', '요', '랑', '와', '과', '도', '만', '로', '야', '아', '님',
];

/**
 * Category nouns: they say what kind of thing an answer is, not which one, and weigh little.
 * Each inner list is one meaning in both languages (multi-word forms joined with no space), so
 * its forms match each other; lists in the same family are rival kinds (a high school is not a
 * middle school, a cat is not a dog), so swapping one for another is a mismatch.
 */
export const CATEGORY_FAMILIES: Readonly<Record<string, readonly (readonly string[])[]>> = {
  city: [['city', 'town', 'metropolitancity', 'metropolis', 'si', 'gwangyeoksi', 'teukbyeolsi', '시', '광역시', '특별시', '특별자치시', '도시']],
  region: [
    ['province', 'state', 'county', 'region', 'do', '도', '특별자치도', '지역'],
    ['district', 'borough', 'gu', 'gun', '군', '구'],
    // Korea's provinces, the way people qualify a town ("Mokpo, South Jeolla", "경북 포항").
    ['gyeonggi', 'gyeonggido', '경기', '경기도'],
    ['gangwon', 'gangwondo', '강원', '강원도'],
    ['chungcheong', 'northchungcheong', 'southchungcheong', 'chungbuk', 'chungnam', '충청', '충청도', '충북', '충남', '충청북도', '충청남도'],
    ['jeolla', 'northjeolla', 'southjeolla', 'jeonbuk', 'jeonnam', '전라', '전라도', '전북', '전남', '전라북도', '전라남도'],
    ['gyeongsang', 'northgyeongsang', 'southgyeongsang', 'gyeongbuk', 'gyeongnam', '경상', '경상도', '경북', '경남', '경상북도', '경상남도'],
    ['village', 'neighbourhood', 'neighborhood', 'dong', 'eup', 'myeon', 'ri', '동', '읍', '면', '리', '마을'],
  ],
  country: [
    ['country', 'nation', '나라'],
    ['korea', 'southkorea', 'rok', '한국', '대한민국', '남한'],
    ['uk', 'unitedkingdom', 'england', 'scotland', 'wales', 'britain', 'greatbritain', 'gb', '영국'],
    ['usa', 'unitedstates', 'america', 'unitedstatesofamerica', '미국'],
    ['japan', '일본'],
    ['china', '중국'],
    ['canada', '캐나다'],
    ['australia', '호주'],
  ],
  street: [['street', '거리'], ['road', '로', '길'], ['avenue'], ['lane'], ['boulevard']],
  building: [['station', 'stn', '역'], ['apartment', 'apt', 'flat', '아파트'], ['house', 'home', '집', '주택']],
  school: [
    ['highschool', 'high', 'hs', 'seniorhigh', '고등학교', '고', '고교'],
    ['girlshighschool', '여자고등학교', '여고'],
    ['middleschool', 'middle', 'juniorhigh', '중학교', '중'],
    ['elementaryschool', 'elementary', 'primaryschool', 'primary', 'gradeschool', 'elem', '초등학교', '국민학교', '초'],
    ['university', 'univ', 'uni', 'college', '대학교', '대학', '대'],
    ['kindergarten', '유치원'],
  ],
  schoolGeneric: [['school', 'sch', '학교']],
  workplace: [
    ['bakery', 'bakeshop', '빵집', '베이커리', '제과점'],
    ['mart', 'supermarket', 'market', 'grocery', '마트', '슈퍼', '슈퍼마켓', '시장'],
    ['store', 'shop', '가게', '상점', '매장'],
    ['departmentstore', '백화점'],
    ['restaurant', '식당', '레스토랑'],
    ['cafe', 'coffeeshop', '카페', '커피숍'],
    ['hospital', 'hosp', 'clinic', '병원'],
    ['bank', '은행'],
    ['factory', 'plant', '공장'],
    ['office', '사무실'],
    ['church', '교회', '성당'],
    ['hotel', '호텔'],
  ],
  company: [['company', 'co', 'corporation', 'corp', 'inc', 'ltd', '회사', '주식회사']],
  branch: [['branch', '점', '지점']],
  animal: [
    ['cat', 'kitten', '고양이', '냥이'],
    ['dog', 'puppy', 'doggy', '개', '강아지', '멍멍이'],
    ['bird', 'parrot', '새', '앵무새'],
    ['fish', 'goldfish', '물고기', '금붕어'],
    ['rabbit', '토끼'],
    ['hamster', '햄스터'],
    ['turtle', 'tortoise', '거북이'],
  ],
  pet: [['pet', '반려동물', '애완동물']],
  family: [
    ['grandmother', 'grandma', 'granny', 'gran', '할머니', '외할머니', '친할머니'],
    ['grandfather', 'grandpa', 'granddad', '할아버지', '외할아버지'],
    ['mother', 'mom', 'mum', 'mommy', 'mummy', '엄마', '어머니'],
    ['father', 'dad', 'daddy', '아빠', '아버지'],
    ['sister', 'sis', '언니', '누나', '여동생'],
    ['brother', 'bro', '형', '오빠', '남동생'],
  ],
  sibling: [['sibling', 'youngest', 'little', 'younger', 'older', 'elder', '동생', '막내']],
  honorific: [['mr', 'mister', 'mrs', 'ms', 'miss', 'madam', 'sir', 'prof', 'professor', 'teacher', '씨', '님', '선생님', '선생', '교수님']],
  food: [
    ['noodles', 'noodle', 'ramen', 'ramyun', 'ramyeon', 'ramyon', '라면', '국수'],
    ['soup', 'stew', '국', '찌개', '탕', '전골'],
    ['rice', '밥'],
    ['pie'],
    ['cake', '케이크'],
    ['bread', '빵'],
    ['tart'],
    ['cookie', 'cookies', '쿠키'],
    ['pizza', '피자'],
    ['burger', 'hamburger', '버거', '햄버거'],
    ['sandwich', '샌드위치'],
    ['salad', '샐러드'],
    ['curry', '카레'],
    ['stirfry', 'fry', '볶음'],
    ['dumplings', 'dumpling', '만두'],
  ],
  dish: [['dish', 'food', 'meal', '요리', '음식']],
  flavour: [['flavour', 'flavor', 'flavoured', 'flavored', '맛']],
  drink: [['milk', '우유'], ['juice', '주스'], ['soda', 'pop', '탄산음료'], ['water', '물', '생수'], ['coffee', '커피'], ['tea', '차']],
  pack: [['multipack', 'pack', 'bundle', 'box', 'set', 'case', 'carton', '멀티팩', '팩', '묶음', '세트', '박스']],
  unit: [['l', 'liter', 'litre', 'ml', 'kg', 'g', 'gram', 'grams', 'oz', 'ea', '리터', '개', '병', '봉', '캔']],
  vehicle: [['car', 'auto', 'vehicle', '자동차'], ['bicycle', 'bike', '자전거']],
  work: [['film', 'movie', '영화'], ['book', 'novel', '책', '소설'], ['song', '노래'], ['show', 'series', 'drama', '드라마']],
};

/** Flattened: group index → its forms, and the family it belongs to. */
export const CATEGORY_GROUPS: readonly (readonly string[])[] = Object.values(CATEGORY_FAMILIES).flat();
export const CATEGORY_FAMILY_OF: readonly string[] = Object.entries(CATEGORY_FAMILIES).flatMap(([family, groups]) => groups.map(() => family));

/**
 * English words that, put before a place name, make it another place (New York is not York,
 * North Busan is not Busan): an answer adding one before the enrolled name is a rival.
 */
export const TOPONYM_PREFIXES = new Set([
  'new', 'old', 'north', 'south', 'east', 'west', 'upper', 'lower', 'great', 'little', 'greater', 'port', 'fort', 'mount',
  'lake', 'cape', 'san', 'santa', 'los', 'las', 'el', 'le', 'la', 'saint', 'st', 'isle', 'glen',
]);

/** After a head word these start a modifier ("Starbucks on Main Street", "the host by Bong"). */
export const PREPOSITIONS = new Set(['on', 'at', 'in', 'near', 'by', 'from', 'with', 'off', 'behind', 'opposite', 'beside', 'next']);
/** After a head word these start an appositive ("Nabi the cat", "Bori the jindo"). */
export const ARTICLES = new Set(['the', 'a', 'an']);

/** Hangul category words that end a compound noun: 목포고등학교 = 목포 + 고등학교. */
export const KOREAN_CATEGORY_SUFFIXES = [
  '여자고등학교', '특별자치시', '특별자치도', '고등학교', '초등학교', '국민학교', '광역시', '특별시',
  '중학교', '대학교', '유치원', '백화점', '베이커리', '대학', '학교', '마트', '시장', '병원', '은행',
  '공원', '식당', '카페', '호텔', '회사', '공장', '교회', '성당', '빵집', '아파트', '라면', '국수', '찌개', '전골', '지점',
  '우유', '주스',
  '여고', '고', '중', '초', '대', '시', '도', '군', '구', '역', '동', '읍', '면', '국', '탕', '밥', '맛', '점',
];
// One-syllable suffixes split off only from stems of at least two syllables (광주 is not 광 + 주).
export const MIN_STEM_FOR_SHORT_SUFFIX = 2;

/** Written-out abbreviations: token → what it stands for (joined the same way as tokens). */
export const ABBREVIATIONS: Readonly<Record<string, readonly string[]>> = {
  st: ['saint', 'street'],
  ste: ['sainte', 'suite'],
  mt: ['mount', 'mountain'],
  mtn: ['mountain'],
  ft: ['fort'],
  pt: ['point', 'port'],
  ave: ['avenue'],
  rd: ['road'],
  blvd: ['boulevard'],
  dr: ['drive', 'doctor'],
  ln: ['lane'],
  sq: ['square'],
  univ: ['university'],
  uni: ['university'],
  coll: ['college'],
  elem: ['elementary'],
  sch: ['school'],
  hs: ['highschool'],
  jr: ['junior'],
  sr: ['senior'],
  dept: ['department'],
  intl: ['international'],
  natl: ['national'],
  nat: ['national'],
  inst: ['institute'],
  tech: ['technology', 'technical'],
  acad: ['academy'],
  assn: ['association'],
  govt: ['government'],
  hosp: ['hospital'],
  bros: ['brothers'],
  mfg: ['manufacturing'],
  nyc: ['newyorkcity', 'newyork'],
  ny: ['newyork'],
  la: ['losangeles'],
  sf: ['sanfrancisco'],
  dc: ['washington'],
  no: ['number'],
  num: ['number'],
  apt: ['apartment'],
  bldg: ['building'],
  n: ['north'],
  s: ['south'],
  e: ['east'],
  w: ['west'],
};

/** Common English hypocoristics: nickname → full names. Both directions are looked up. */
export const NICKNAMES: Readonly<Record<string, readonly string[]>> = {
  tom: ['thomas'], tommy: ['thomas'], bill: ['william'], billy: ['william'], will: ['william'], willy: ['william'], liam: ['william'],
  bob: ['robert'], bobby: ['robert'], rob: ['robert'], robbie: ['robert'], bert: ['robert', 'albert', 'herbert'],
  dick: ['richard'], rick: ['richard', 'eric', 'frederick'], ricky: ['richard'], rich: ['richard'],
  jim: ['james'], jimmy: ['james'], jamie: ['james'], jack: ['john'], johnny: ['john'], jon: ['jonathan', 'john'],
  mike: ['michael'], mick: ['michael'], mikey: ['michael'], dave: ['david'], davy: ['david'],
  chris: ['christopher', 'christine', 'christina'], kit: ['christopher'], nick: ['nicholas'], nicky: ['nicholas', 'nicole'],
  joe: ['joseph'], joey: ['joseph'], sam: ['samuel', 'samantha'], sammy: ['samuel', 'samantha'],
  ben: ['benjamin'], benny: ['benjamin'], dan: ['daniel'], danny: ['daniel'], matt: ['matthew'], matty: ['matthew'],
  andy: ['andrew'], drew: ['andrew'], tony: ['anthony'], ant: ['anthony'], steve: ['steven', 'stephen'], stevie: ['steven', 'stephen'],
  ed: ['edward', 'edmund'], eddie: ['edward'], ted: ['edward', 'theodore'], teddy: ['edward', 'theodore'], theo: ['theodore'],
  pete: ['peter'], pat: ['patrick', 'patricia'], patty: ['patricia'], charlie: ['charles'], chuck: ['charles'],
  harry: ['henry', 'harold'], hank: ['henry'], larry: ['lawrence'], jerry: ['gerald', 'jeremy'], gerry: ['gerald'],
  greg: ['gregory'], jeff: ['jeffrey'], ken: ['kenneth'], kenny: ['kenneth'], ron: ['ronald'], ronnie: ['ronald'],
  don: ['donald'], tim: ['timothy'], timmy: ['timothy'], fred: ['frederick'], freddie: ['frederick'], al: ['albert', 'alan', 'alfred'],
  alex: ['alexander', 'alexandra'], sandy: ['alexander', 'sandra'], zach: ['zachary'], josh: ['joshua'], nate: ['nathan', 'nathaniel'],
  phil: ['philip', 'phillip'], vince: ['vincent'], vic: ['victor', 'victoria'], walt: ['walter'], wally: ['walter'],
  liz: ['elizabeth'], lizzie: ['elizabeth'], beth: ['elizabeth'], betty: ['elizabeth'], betsy: ['elizabeth'], eliza: ['elizabeth'],
  kate: ['katherine', 'catherine', 'kathryn'], katie: ['katherine', 'catherine'], kathy: ['katherine', 'catherine'], cathy: ['catherine'],
  kat: ['katherine'], maggie: ['margaret'], meg: ['margaret'], peggy: ['margaret'], jen: ['jennifer'], jenny: ['jennifer'],
  jess: ['jessica'], jessie: ['jessica'], becky: ['rebecca'], becca: ['rebecca'], sue: ['susan', 'suzanne'], susie: ['susan'],
  debbie: ['deborah'], deb: ['deborah'], vicky: ['victoria'], tori: ['victoria'], abby: ['abigail'], ally: ['alison', 'alexandra'],
  mandy: ['amanda'], manda: ['amanda'], annie: ['anne', 'ann', 'anna'], nancy: ['anne'], molly: ['mary'], polly: ['mary'],
  sally: ['sarah'], sadie: ['sarah'], ellie: ['eleanor', 'ellen', 'elizabeth'], nell: ['eleanor', 'helen'], dot: ['dorothy'],
  dottie: ['dorothy'], judy: ['judith'], trish: ['patricia'], tricia: ['patricia'], cindy: ['cynthia', 'lucinda'],
  terry: ['terence', 'theresa'], tess: ['theresa'], gabby: ['gabrielle', 'gabriel'], nat: ['natalie', 'nathan'], rosie: ['rose', 'rosemary'],
  lou: ['louis', 'louise'], louie: ['louis'], max: ['maximilian', 'maxwell'], leo: ['leonard', 'leon'], len: ['leonard'], lenny: ['leonard'],
  frank: ['francis', 'franklin'], frankie: ['francis', 'frances'], fran: ['frances'], doug: ['douglas'], stu: ['stuart'],
};

/** English number words, so "two" and "2" agree. */
export const NUMBER_WORDS: Readonly<Record<string, string>> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', thirteen: '13', fourteen: '14', fifteen: '15', sixteen: '16', seventeen: '17', eighteen: '18',
  nineteen: '19', twenty: '20', thirty: '30', forty: '40', fifty: '50', hundred: '100',
  first: '1', second: '2', third: '3', fourth: '4', fifth: '5', sixth: '6', seventh: '7', eighth: '8', ninth: '9', tenth: '10',
  '1st': '1', '2nd': '2', '3rd': '3', '4th': '4', '5th': '5',
  하나: '1', 한: '1', 둘: '2', 두: '2', 셋: '3', 세: '3', 넷: '4', 네: '4', 다섯: '5', 여섯: '6', 일곱: '7', 여덟: '8', 아홉: '9', 열: '10',
  첫째: '1', 둘째: '2', 셋째: '3', 넷째: '4',
};

/**
 * Answers that decline to answer. Matched against the whole answer once fillers, punctuation
 * and function words are gone, so "I really don't know" and "잘 모르겠어요" both count.
 */
export const EVASIVE_PATTERNS: RegExp[] = [
  /\b(?:i\s+)?(?:do\s*n[o']?t|dont|don't|didnt|didn't|do\s+not)\s+(?:really\s+)?(?:know|remember|recall|care)\b/,
  /\b(?:no|not\s+a)\s+(?:idea|clue)\b/, /\bidk\b/, /\bdunno\b/, /\bnot\s+sure\b/, /\bunsure\b/, /\bno\s+comment\b/,
  /\b(?:can'?t|cannot|can\s+not|couldn'?t)\s+(?:remember|recall|say|tell|think)\b/, /\b(?:i\s+)?forg[oe]t\b/, /\bforgotten\b/,
  /^(?:pass|skip|next|none|nothing|n\/?a|na|nope|no|whatever|anything|any|something|dunno|secret|private|\?+|-+|\.+|x+)$/,
  /\bprefer\s+not\b/, /\brather\s+not\b/, /\bnot\s+telling\b/, /\bnext\s+question\b/, /\bask\s+(?:me\s+)?(?:something|another)\b/,
  /모르(?:겠|겟|고|는|지|니|ㅁ)/, /몰라/, /모름/, /기억(?:이|은)?\s*(?:안|잘\s*안|나지\s*않|이\s*안|없)/, /생각(?:이)?\s*(?:안|이\s*안)\s*나/,
  /까먹/, /잊어버/, /잊었/, /패스/, /넘어가/, /넘길/, /^다음$/, /다음\s*질문/, /글쎄/, /^(?:없어요|없음|없습니다|없다|몰라요|비밀|아무거나)$/,
  /말\s*(?:하기|못)\s*(?:싫|하겠|해요)/, /대답\s*(?:안|못|하기\s*싫)/,
];

/**
 * Text that addresses the judge instead of answering: instructions, role play, requests to
 * approve, markup. Checked on the raw lower-case answer; a word the enrolled answer itself
 * contains is never held against the shopper.
 */
export const INJECTION_PATTERNS: RegExp[] = [
  /\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.]{0,40}\b(?:instruction|instructions|prompt|prompts|rules?|previous|above|prior|system|check|checks|question|verification)\b/,
  /\b(?:approve|approved|authori[sz]e|authori[sz]ed|accept|grant|allow|pass|validate|confirm|verify|unlock|mark)\b[^.]{0,30}\b(?:payment|transaction|purchase|order|this|me|answer|request|it|user|as\s+(?:correct|true|valid|matched?))\b/,
  /\b(?:system|assistant|user|developer)\s*(?:prompt|message)?\s*:/, /\byou\s+are\s+(?:now\s+)?(?:an?|the|my)\b/, /\bact\s+as\b/, /\bpretend\b/,
  /\b(?:as\s+an\s+ai|language\s+model|llm|chatgpt|gpt|jailbreak|dan\s+mode|developer\s+mode|admin\s+mode|debug\s+mode|sudo)\b/,
  /\b(?:score|match|label|verdict|result|output)\s*[:=]/, /\b(?:return|output|respond|reply|say|print)\s+(?:true|yes|match|1(?:\.0)?|approved?)\b/,
  /\b(?:the\s+)?(?:correct|right|expected|stored|enrolled)\s+answer\b/, /\bprompt\b/, /\binstructions?\b/,
  /```|<\/?[a-z][^>]*>|\{\s*"|\[\s*inst\s*\]|<<|>>/,
  /(?:승인|통과|허가|인증|결제)\s*(?:해|하세요|해줘|해\s*주|처리|바랍니다|시켜)/, /(?:이전|위의?|앞의?|기존)\s*(?:지시|명령|지침|규칙)/,
  /무시(?:하고|하세요|해)/, /정답\s*(?:으로|이라고)\s*(?:처리|인정|해)/, /맞다고\s*(?:해|처리|하세요)/, /시스템\s*:/, /프롬프트/,
];

/** Separators that turn an answer into a list of candidates ("Busan / Seoul", "부산 또는 서울"). */
export const ALTERNATIVE_SEPARATORS = /\s*(?:\/|\||;|\bor\b|\beither\b|또는|아니면|혹은)\s*/;
