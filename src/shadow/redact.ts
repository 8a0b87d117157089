/**
 * `--redact`: masks e-mail addresses, phone numbers and card-like numbers in everything a shadow run writes (run.json,
 * reports). Pattern-based, so it is a safety net, not a guarantee; the report says which kinds were masked. Card-like
 * numbers go first (13-19 digits, spaces or dashes allowed), so their digits are never read as a phone number.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
/** +country code, or (area) code, or groups like 555-123-4567 / 555 123 4567 / 555.123.4567; 7 to 15 digits. */
const PHONE = /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}(?![\w-])/g;

function digits(s: string): number {
  return s.replace(/\D/g, '').length;
}

/** A date or time (2026-12-02, 10.12.2026, 12:30) is not a phone number. */
function looksLikeDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) || /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(s);
}

export function redactText(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    .replace(CARD, '[card number]')
    .replace(PHONE, (m) => {
      const hasPhoneShape = m.startsWith('+') || m.includes('(') || /\d{3}[ .-]\d{3,4}[ .-]\d{3,4}/.test(m) || /\d{3}[ .-]\d{4}$/.test(m);
      return hasPhoneShape && digits(m) >= 7 && digits(m) <= 15 && !looksLikeDate(m) ? '[phone]' : m;
    });
}
