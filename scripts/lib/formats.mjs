// The string formats the generated validators check, bundled into them (a consumer installs no
// ajv-formats). `date-time` accepts exactly what ajv-formats' full (RFC 3339) `date-time` accepts
// (a test compares the two), without splitting the string: ajv-formats' split and three matches
// take ~1.2 µs a value, most of a claim answer's validation; this takes ~0.05 µs for most values.

// Days 01–28 and in-range times are valid in every month and year: one test() without captures
// settles most values; the rest (days 29–31, leap seconds, anything wrong) take the full check.
const EVERYDAY =
  /^\d\d\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])[Tt\s](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)$/;
// date, one separator (T, t or whitespace), time, mandatory time zone (Z or ±hh[[:]mm]).
const DATE_TIME = /^(\d\d\d\d)-(\d\d)-(\d\d)[Tt\s](\d\d):(\d\d):(\d\d(?:\.\d+)?)(?:[Zz]|([+-])(\d\d)(?::?(\d\d))?)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function dateTime(text) {
  if (EVERYDAY.test(text)) return true;
  const m = DATE_TIME.exec(text);
  if (m === null) return false;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS[month])) return false;
  const hr = +m[4];
  const min = +m[5];
  const sec = +m[6];
  const tzSign = m[7] === "-" ? -1 : 1;
  const tzH = +(m[8] || 0);
  const tzM = +(m[9] || 0);
  if (tzH > 23 || tzM > 59) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  // A leap second: 23:59:60 in UTC.
  const utcMin = min - tzM * tzSign;
  const utcHr = hr - tzH * tzSign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}

/** The formats implemented here, by name. */
export const formats = { "date-time": dateTime };
