// Runs in: node (vitest). The scorer's building blocks: romanisation keys, typo distance, dates,
// tokenising, the metrics approval-eval prints, and the shipped calibration file.
import { describe, expect, it } from 'vitest';
import { calibrate, chooseThreshold, crossValidate, type Prepared } from '../../../server/approval/calibrate.js';
import { parametersFor, readCalibration } from '../../../server/approval/calibration.js';
import { compareDates, findDates } from '../../../server/approval/dates.js';
import { auc, frrAtFar, ratesAt } from '../../../server/approval/metrics.js';
import { normalise } from '../../../server/approval/normalise.js';
import { hangulKeys, latinKey, qwertyToHangul, typoDistance } from '../../../server/approval/romanise.js';
import { analyse } from '../../../server/approval/scorer.js';

describe('romanisation keys', () => {
  it('make RR, McCune–Reischauer and informal spellings agree', () => {
    for (const [a, b] of [['Busan', 'Pusan'], ['Gwangju', 'Kwangju'], ["Ch'ŏngju", 'Cheongju'], ['Daegu', 'Taegu'], ['Jeju', 'Cheju'], ['Choi', 'Choe'], ['Shin', 'Sin']]) {
      expect(latinKey(a!), `${a} / ${b}`).toBe(latinKey(b!));
    }
  });

  it('keep different places apart', () => {
    for (const [a, b] of [['Gwangju', 'Gyeongju'], ['Cheongju', 'Chungju'], ['Seoyeon', 'Seojun'], ['Shin', 'Jin'], ['Jeonju', 'Jeju']]) {
      expect(latinKey(a!), `${a} / ${b}`).not.toBe(latinKey(b!));
    }
  });

  it('romanise Hangul syllable by syllable and as pronounced', () => {
    expect(hangulKeys('부산')).toContain(latinKey('Busan'));
    expect(hangulKeys('신라면')).toEqual(expect.arrayContaining([latinKey('sinramyeon'), latinKey('sillamyeon')]));
    expect(hangulKeys('Busan')).toEqual([]);
  });

  it('read Korean typed with the input method off', () => {
    expect(qwertyToHangul('rhkdwn')).toBe('광주');
    expect(qwertyToHangul('hello')).toBeUndefined();
    // es-hangul throws on some key runs (ㅗ+ㅏ then a shifted ㅁ): no word, and no crash.
    expect(qwertyToHangul('hkA')).toBeUndefined();
    expect(qwertyToHangul('hkAa')).toBeUndefined();
  });

  it('price a distant-key substitution above a fat-finger one', () => {
    expect(typoDistance('busan', 'busan')).toBe(0);
    expect(typoDistance('busan', 'bysan')).toBe(1); // u, y are neighbours
    expect(typoDistance('busan', 'bpsan')).toBe(2);
    expect(typoDistance('gwangju', 'gwnagju')).toBe(1); // transposition
  });
});

describe('dates', () => {
  const enrolled = findDates('2011-10-08')[0]!;
  it('finds English, Korean and numeric forms with every plausible reading', () => {
    for (const text of ['8 October 2011', 'Oct 8th, 2011', '2011년 10월 8일', '11.10.8', '2011.10.08', '20111008', '8/10/2011', '10/8/2011']) {
      const [found] = findDates(text);
      expect(found && compareDates(enrolled, found), text).toBe('same');
    }
    expect(compareDates(enrolled, findDates('10월 8일')[0]!)).toBe('partial');
    expect(compareDates(enrolled, findDates('October 18, 2011')[0]!)).toBe('conflict');
  });

  it('ignores text without a date and keeps spans for cutting', () => {
    expect(findDates('Busan')).toEqual([]);
    const [found] = findDates('we married on 8 oct 2011 in busan');
    expect('we married on 8 oct 2011 in busan'.slice(found!.start, found!.end)).toMatch(/^(on )?8 oct 2011$/);
  });
});

describe('normalise', () => {
  it('splits Korean compounds into name and category and peels particles', () => {
    const tokens = normalise('목포고등학교에서요').tokens;
    expect(tokens.map((t) => t.text)).toEqual(['목포', '고등학교']);
    expect(tokens[1]!.group).toBeDefined();
    expect(normalise('서연이').tokens[0]!.forms).toEqual(['서연이', '서연']);
  });

  it('drops frames and marks function words, asides and modifiers', () => {
    const n = normalise('I grew up in Gwangju');
    expect(n.tokens.filter((t) => !t.stop).map((t) => t.text)).toEqual(['gwangju']);
    const nabi = normalise('Nabi the cat (tabby)');
    expect(nabi.tokens.find((t) => t.text === 'cat')!.modifier).toBe(true);
    expect(nabi.tokens.find((t) => t.text === 'tabby')!.inParens).toBe(true);
    expect(normalise('Busan or Seoul').alternativeSegments).toBe(2);
  });
});

describe('metrics', () => {
  const rows = [
    { score: 0.9, label: 1 as const },
    { score: 0.8, label: 1 as const },
    { score: 0.3, label: 1 as const },
    { score: 0.4, label: 0 as const },
    { score: 0.1, label: 0 as const },
  ];
  it('compute AUC with ties as halves', () => {
    expect(auc(rows)).toBeCloseTo(5 / 6);
    expect(auc([{ score: 0.5, label: 1 }, { score: 0.5, label: 0 }])).toBe(0.5);
  });
  it('compute FAR/FRR at a threshold and the best FRR with FAR ≤ 1 %', () => {
    expect(ratesAt(rows, 0.35)).toEqual({ far: 0.5, frr: 1 / 3 });
    expect(frrAtFar(rows, 0.01)).toMatchObject({ frr: 1 / 3, threshold: 0.8, far: 0 });
  });
});

describe('calibration', () => {
  it('puts the threshold in the middle of the gap under the FAR ≤ 1 % point', () => {
    const chosen = chooseThreshold([{ score: 0.2, label: 0 }, { score: 0.6, label: 1 }, { score: 0.9, label: 1 }]);
    expect(chosen.threshold).toBe(0.4);
    expect(chosen.gap).toBeCloseTo(0.4);
  });

  it('calibrates and cross-validates lexical-only data without a cosine', () => {
    const rows: Prepared[] = [
      ['Busan', 'Pusan', 1],
      ['Busan', 'Ulsan', 0],
      ['Gwangju', 'gwangju city', 1],
      ['Gwangju', 'Gyeongju', 0],
      ['Nabi the cat', 'nabi', 1],
      ['Nabi the cat', 'a cat', 0],
      ['Kia Pride', 'a kia pride', 1],
      ['Kia Pride', 'Kia Rio', 0],
    ].map(([enrolled, answer, label], i) => {
      const row = { id: String(i), question: 'q', enrolled: enrolled as string, answer: answer as string, label: label as 0 | 1, kind: 'k', lang: 'en' };
      return { row, analysis: analyse(row), cosine: undefined };
    });
    const params = calibrate(rows);
    expect(params.cosineWeight).toBe(0);
    expect(params.threshold).toBeGreaterThan(0.2);
    expect(params.threshold).toBeLessThan(0.9);
    expect(crossValidate(rows)).toEqual({ far: 0, frr: 0 });
  });

  it('ships a calibration for the bundled model and for lexical-only scoring', () => {
    const file = readCalibration();
    for (const encoder of ['use-lite', 'none']) {
      const { params, calibrated } = parametersFor(file, encoder);
      expect(calibrated).toBe(true);
      expect(params.threshold).toBeGreaterThan(0);
      expect(params.threshold).toBeLessThan(1);
    }
    expect(file.encoders['use-lite']!.cosineWeight).toBeLessThanOrEqual(0.2);
    // A model nobody calibrated gets no say in the score.
    expect(parametersFor(file, 'onnx:new-model')).toMatchObject({ calibrated: false, params: { cosineWeight: 0 } });
  });
});
