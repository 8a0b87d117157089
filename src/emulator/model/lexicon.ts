/**
 * A small closed-class English lexicon for the reader's chunker: function-word classes, common verbs, and the words
 * that signal dates, quantities and units. Closed classes are the same for any text; the open-class lists (verbs,
 * units, type nouns) are general English, not taken from any eval set.
 */

const set = (s: string) => new Set(s.split(/\s+/).filter((w) => w !== ''));

export const DETERMINERS = set('a an the this that these those its their his her our your my some any each every no another such either neither both all');
export const PREPOSITIONS = set(
  'of in on at by for with from to into onto upon over under between among amongst through during before after above below ' +
    'against about around across along within without toward towards via per since until till than like near beyond despite ' +
    'except throughout behind beside besides beneath inside outside amid off out unlike including following regarding concerning',
);
export const CONJUNCTIONS = set('and or but nor yet so because although though while whereas if unless whether whilst');
export const WH_WORDS = set('who whom whose which what when where why how');
export const PRONOUNS = set('it they he she we i you them him us me itself themselves himself herself one ones there');
export const AUXILIARIES = set(
  'is am are was were be been being have has had having do does did will would shall should can could may might must ' +
    'isnt arent wasnt werent dont doesnt didnt cant cannot wont wouldnt shouldnt couldnt not',
);
/** Frequent verbs in the forms they take (the suffix rules in isVerbLike catch most other -ed forms). */
export const COMMON_VERBS = set(
  'become became becomes make made makes take took taken takes give gave given gives go went gone goes come came comes ' +
    'see saw seen sees know knew known knows get got gets find found finds think thought say said says tell told use uses ' +
    'begin began begun begins hold held holds bring brought keep kept leave left lead led leads run ran runs win won wins ' +
    'lose lost build built builds send sent write wrote written writes grow grew grown grows show showed shown shows ' +
    'include includes contain contains remain remains seem seems allow allows provide provides require requires consider ' +
    'considers mean means meant produce produces cause causes form forms describe describes refer refers lie lay lies ' +
    'rise rose risen rises fall fell fallen falls stand stood stands sit sat set sets put puts pay paid pays meet met ' +
    'sell sold sells buy bought fight fought teach taught speak spoke spoken drive drove driven break broke broken ' +
    'choose chose chosen wear wore worn throw threw thrown feel felt spend spent spends hit cut shut read reads ' +
    'increase increases decrease decreases reach reaches serve serves receive receives represent represents ' +
    'appear appears occur occurs exist exists believe believes claim claims argue argues suggest suggests ' +
    'continue continues operate operates involve involves apply applies establish establishes develop develops ' +
    'based according called named known',
);
/** Sentence adverbs that link a statement to the one before it ("However, ...", "... indeed"): never part of an answer. */
export const DISCOURSE_ADVERBS = set(
  'however indeed thus therefore moreover furthermore nevertheless nonetheless meanwhile consequently hence instead ' +
    'otherwise accordingly likewise similarly additionally finally firstly secondly thirdly lastly subsequently ' +
    'afterwards afterward initially eventually ultimately notably namely alternatively conversely',
);
export const MONTHS = set('january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec');
/** The day names; WEEKDAYS adds their plurals ("on Fridays"). */
export const WEEKDAY_NAMES = set('monday tuesday wednesday thursday friday saturday sunday');
export const WEEKDAYS = new Set([...WEEKDAY_NAMES].flatMap((d) => [d, `${d}s`]));
export const TIME_UNITS = set(
  'second seconds minute minutes hour hours day days week weeks fortnight month months year years decade decades century ' +
    'centuries millennium millennia era bc bce ad ce am pm morning evening night nights weekend weekends season seasons',
);
export const MEASURE_UNITS = set(
  'percent per cent metre metres meter meters m km kilometre kilometres kilometer kilometers mile miles mi ft foot feet ' +
    'inch inches cm mm yard yards kg kilogram kilograms g gram grams lb lbs pound pounds ton tons tonne tonnes ounce ounces ' +
    'litre litres liter liters l ml gallon gallons acre acres hectare hectares degree degrees celsius fahrenheit kelvin ' +
    'mph kph knots volt volts v watt watts w kw kwh mw gw hz khz mhz ghz byte bytes kb mb gb tb mg dollar dollars usd ' +
    'euro euros eur pound sterling yen cent cents million billion trillion thousand hundred dozen times fold',
);
export const NUMBER_WORDS = set(
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen ' +
    'eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion trillion ' +
    'dozen half quarter twice thrice once several few many first second third fourth fifth sixth seventh eighth ninth tenth',
);
/** Words introducing a cause (why-questions) and a means or manner (how-questions). */
export const CAUSE_MARKERS = set('because due since as so owing thanks');
export const MEANS_MARKERS = set('by through using via with');
/** Words opening a sentence that refer back to the one before it ("This allowed ...", "Its capital ..."). */
export const ANAPHORIC = set('this these that those its their his her such');
/** Titles that belong to a following name ("Saint Louis", "King Harold"). */
export const TITLES = set('mr mrs ms dr st saint sir lord lady king queen prince princess president emperor pope general duke count bishop');

/** Nouns after what/which that name the expected answer type. */
export const TYPE_NOUNS: Record<string, 'date' | 'number' | 'person' | 'location'> = Object.fromEntries([
  ...[...set('year years century centuries decade decades date dates day days month months time hour hours era period age season')].map((w) => [w, 'date'] as const),
  ...[...set('number amount percentage percent proportion share population size rate temperature distance range length height weight cost price speed value total sum figure count fraction limit capacity quantity volume mass width depth dose dosage fee charge budget salary wage rent maximum minimum threshold allowance pressure voltage')].map((w) => [w, 'number'] as const),
  ...[...set('person man woman who king queen president leader emperor ruler author writer scientist inventor founder artist composer poet player politician general commander chancellor minister philosopher physicist chemist architect engineer explorer pope saint bishop duke prince princess')].map((w) => [w, 'person'] as const),
  ...[...set('country countries city cities state states region regions place places area continent island islands river rivers town towns province provinces location nation nations capital county village mountain ocean sea lake street district territory border coast')].map((w) => [w, 'location'] as const),
]);

/** Adjectives after "how" that ask for a quantity ("how many", "how long", "how far"). */
// "How early/late/soon" ask for an amount of time ("ten minutes before"), not a manner.
export const HOW_QUANTITY = set('many much long far old large big high tall often wide deep fast heavy hot cold far few early late soon');

const DIGIT_RE = /^\p{N}/u;
const YEAR_RE = /^(?:1\d{3}|20\d{2})s?$/;
const ORDINAL_RE = /^\d+(?:st|nd|rd|th)$/;

export function isNumberWord(lower: string): boolean {
  return DIGIT_RE.test(lower) || NUMBER_WORDS.has(lower);
}

export function isDateWord(lower: string): boolean {
  return YEAR_RE.test(lower) || MONTHS.has(lower) || WEEKDAYS.has(lower) || ORDINAL_RE.test(lower);
}

/** A lower-case word that reads as a verb form: a listed verb, or a past form by its suffix. */
export function isVerbLike(lower: string): boolean {
  if (COMMON_VERBS.has(lower)) return true;
  return lower.length > 3 && lower.endsWith('ed') && !lower.endsWith('eed');
}
