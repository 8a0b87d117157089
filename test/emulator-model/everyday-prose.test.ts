/**
 * The reference reader on six more small documents in prose written for this test, in domains and sentence shapes
 * the reader was never fitted on (a clinic leaflet, a hardware manual, a council notice, a recipe, an HR policy, a
 * product FAQ). The pairs were written before the reader was run on them; the ones it gets wrong stay as
 * `it.fails` with the gap they show, so a fix flips them. Each answer must be a span: SQuAD F1 against the expected
 * answer at or above a bar (1 for short facts), never the whole sentence; an unanswerable question gets the
 * non-answer.
 */
import { describe, expect, it } from 'vitest';
import { generate, NON_ANSWER } from '../../src/emulator/model/index.js';
import { squadF1 } from '../../src/scoring/squad.js';

const CLINIC = `Riverside Family Clinic: what to expect at your visit

The clinic is open Monday to Friday, and on Saturday mornings for urgent appointments only.
Please arrive ten minutes before your appointment so that reception can check your details.
Our practice nurse, Helen Okafor, runs the travel vaccination service on Tuesday afternoons.
If you need a repeat prescription, allow two working days for it to be ready.
Blood tests are taken between 8:00 and 10:30, because samples must reach the hospital laboratory by noon.
Parking is free for the first hour in the car park behind the pharmacy.
`;

const MANUAL = `Verra K2 cordless drill: quick start

Before first use, charge the battery for three hours. A full charge then lasts for about 40 minutes of continuous drilling.
The drill weighs 1.3 kg with the battery fitted. The chuck accepts bits from 1.5 mm to 13 mm.
The LED on the handle turns red when the battery is low.
To change the speed, slide the gear switch on top of the housing: position 1 is for screws and position 2 is for drilling.
Store the drill in a dry place. Never leave it in a car in summer, as temperatures above 45 °C damage the battery.
The warranty covers the drill for two years; the battery is covered for one year.
`;

const COUNCIL = `Notice from Hollins Parish Council

The village hall car park will be resurfaced during the week beginning 3 March. While the work is done, residents are asked to park on Mill Lane.
Garden waste is now collected every other Wednesday. Households must register for the service, which costs £42 a year.
The annual parish meeting takes place in the village hall on 24 April at 7:30 p.m. Councillor Priya Dunmore will chair it.
The council has received 17 applications for the community grant. Grants of up to £500 are awarded to local clubs and charities.
Complaints should be sent in writing to the parish clerk.
`;

const RECIPE = `Lentil and spinach soup (serves four)

You will need:
- 200 g red lentils
- one onion
- two cloves of garlic
- 1 litre of vegetable stock
- a bag of spinach

Fry the onion gently in olive oil for five minutes, then add the garlic. Stir in the lentils and pour over the stock.
Simmer the soup for 25 minutes, until the lentils are soft. Add the spinach just before serving and season with salt and lemon juice.
The soup keeps in the fridge for up to three days and can be frozen for a month.
`;

const HR = `Staff handbook: leave and working hours

Full-time employees are entitled to 25 days of annual leave, plus public holidays.
Leave requests must be approved by your line manager at least two weeks in advance.
Up to five days of unused leave may be carried over into the next year.
Staff who have worked for the company for more than five years receive two extra days of leave.
Core hours are 10:00 to 16:00; outside them, employees may choose when they start and finish.
Sick leave must be reported to the HR team before 9:30 on the first day of absence.
Parental leave is paid at full salary for the first 16 weeks.
`;

const FAQ = `Aurelio smart thermostat: frequently asked questions

Does the thermostat work without Wi-Fi? Yes. It keeps following its schedule, but you cannot change settings from the app until the connection returns.
How is it powered? It runs on two AA batteries, which usually last about a year. A low-battery warning appears on the screen two weeks before they run out.
Which heating systems are supported? Gas boilers, oil boilers and heat pumps are supported; electric storage heaters are not.
The thermostat checks for firmware updates every night at 2 a.m. and installs them automatically.
Customer support can be reached by phone on weekdays from 8 a.m. to 6 p.m.
`;

const words = (s: string) => s.split(/\s+/).filter((w) => w !== '');
const ask = (doc: string, q: string) => generate({ messages: [{ role: 'user', text: `Context: ${doc}\nQuestion: ${q}` }], maxTokens: 200, seed: 1 }).text;
/** A span answer: SQuAD F1 against the expected answer at least `bar`, and not more than `extraWords` longer than it. */
const expectAnswer = (answer: string, expected: string, bar = 1, extraWords = 3) => {
  expect(answer).not.toBe(NON_ANSWER);
  expect(squadF1(answer, [expected])).toBeGreaterThanOrEqual(bar);
  expect(words(answer).length).toBeLessThanOrEqual(words(expected).length + extraWords);
};

describe('a clinic leaflet', () => {
  it('answers who runs a service', () => expectAnswer(ask(CLINIC, 'Who runs the travel vaccination service?'), 'Helen Okafor'));
it('answers how early to arrive', () => expectAnswer(ask(CLINIC, 'How early should patients arrive before an appointment?'), 'ten minutes'));
it('answers how long a repeat prescription takes', () => expectAnswer(ask(CLINIC, 'How long does a repeat prescription take to be ready?'), 'two working days'));
  it('answers when blood tests are taken, as the whole range', () => expectAnswer(ask(CLINIC, 'When are blood tests taken?'), '8:00 and 10:30', 0.8));
  // Gap: a location given as a prepositional phrase ("behind the pharmacy") is not a candidate span.
  it.fails('answers where the car park is', () => expectAnswer(ask(CLINIC, 'Where is the car park?'), 'behind the pharmacy', 0.5));
  it('answers why blood tests are early', () => expectAnswer(ask(CLINIC, 'Why are blood tests taken early in the morning?'), 'samples must reach the hospital laboratory by noon', 0.6, 4));
  // Gap: the abstainer's weights are held to honest signs and SQuAD v2 teaches no weight on the share of the
  // question the text lacks ("flu", "cost"), so the sentence naming the vaccination service answers.
  it.fails('abstains on what it does not say', () => expect(ask(CLINIC, 'How much does a flu vaccination cost?')).toBe(NON_ANSWER));
});

describe('a hardware manual', () => {
  it('answers a weight with its unit', () => expectAnswer(ask(MANUAL, 'How much does the drill weigh?'), '1.3 kg'));
  it('answers a first charge time', () => expectAnswer(ask(MANUAL, 'How long should the battery be charged before first use?'), 'three hours'));
  // Gap: "turns" after a common noun is tagged as a noun, so the span runs "handle turns red".
  it.fails('answers a colour', () => expectAnswer(ask(MANUAL, 'What colour does the LED turn when the battery is low?'), 'red'));
  it('answers a temperature with a degree sign', () => expectAnswer(ask(MANUAL, 'Above what temperature is the battery damaged?'), '45 °C'));
  // Gap: which of two amounts in one sentence the distinguishing word ("battery") sits next to: the first wins.
  it.fails('answers the warranty of the battery, not the drill', () => expectAnswer(ask(MANUAL, 'How long is the battery covered by the warranty?'), 'one year'));
it('answers a size range', () => expectAnswer(ask(MANUAL, 'What size of bits does the chuck accept?'), '1.5 mm to 13 mm', 0.8));
  // Gap: the title line names the product, so a question about it is answered with the title's name.
  it.fails('abstains on what it does not say', () => expect(ask(MANUAL, 'Who designed the drill?')).toBe(NON_ANSWER));
});

describe('a parish council notice', () => {
  it('answers a frequency with "every other"', () => expectAnswer(ask(COUNCIL, 'How often is garden waste collected?'), 'every other Wednesday', 1, 0));
  // Gap: the abstainer refuses an answer the text gives ("£42 a year").
  it.fails('answers a yearly cost', () => expectAnswer(ask(COUNCIL, 'How much does the garden waste service cost?'), '£42 a year', 0.5));
  // Gap: "park" also matches "car park" in the first sentence, whose date wins.
  it.fails('answers a place', () => expectAnswer(ask(COUNCIL, 'Where should residents park while the car park is resurfaced?'), 'Mill Lane'));
  // Gap: the sentence before holds every other question word, and its date shares their clause ("the same-clause
  // question words" of the span ranker), so "24 April" outranks the name in "Councillor Priya Dunmore will chair it."
  it.fails('answers who chairs a meeting', () => expectAnswer(ask(COUNCIL, 'Who will chair the annual parish meeting?'), 'Priya Dunmore', 0.8));
  it('answers a count', () => expectAnswer(ask(COUNCIL, 'How many applications for the community grant has the council received?'), '17'));
  it('answers a date', () => expectAnswer(ask(COUNCIL, 'On what date is the annual parish meeting?'), '24 April'));
  it('answers to whom complaints go', () => expectAnswer(ask(COUNCIL, 'To whom should complaints be sent?'), 'the parish clerk'));
  it('abstains on what it does not say', () => expect(ask(COUNCIL, 'When will the new playground open?')).toBe(NON_ANSWER));
});

describe('a recipe', () => {
  it('answers a simmering time', () => expectAnswer(ask(RECIPE, 'How long should the soup simmer?'), '25 minutes'));
  it('answers how many it serves', () => expectAnswer(ask(RECIPE, 'How many people does the soup serve?'), 'four'));
  it('answers the ingredient list', () => expect(ask(RECIPE, 'What ingredients do you need?')).toContain('200 g red lentils'));
  it('answers a quantity of one ingredient', () => expectAnswer(ask(RECIPE, 'How much vegetable stock is needed?'), '1 litre', 0.6));
  // Gap: "up to" before a number is left out ("three days": F1 0.67).
  it.fails('answers how long it keeps', () => expectAnswer(ask(RECIPE, 'How long does the soup keep in the fridge?'), 'up to three days', 0.8));
  it('answers what it is seasoned with', () => expectAnswer(ask(RECIPE, 'What is the soup seasoned with?'), 'salt and lemon juice', 0.8));
});

describe('an HR policy', () => {
  it('answers an entitlement', () => expectAnswer(ask(HR, 'How many days of annual leave do full-time employees get?'), '25 days', 0.6));
  it('answers who approves leave', () => expectAnswer(ask(HR, 'Who must approve leave requests?'), 'line manager', 0.8));
  it('answers a carry-over limit', () => expectAnswer(ask(HR, 'How many days of unused leave can be carried over?'), 'five days', 0.6));
it('answers the core hours as a range', () => expectAnswer(ask(HR, 'What are the core hours?'), '10:00 to 16:00'));
  it('answers a reporting deadline', () => expectAnswer(ask(HR, 'By what time must sick leave be reported?'), '9:30'));
  // Gap: the ordinal before the number stays in the span ("first 16 weeks": F1 0.8).
  it.fails('answers a paid period', () => expectAnswer(ask(HR, 'For how long is parental leave paid at full salary?'), '16 weeks'));
  // Gap: as for the clinic: nothing in the text is about a pension, yet the best-covered sentence answers.
  it.fails('abstains on what it does not say', () => expect(ask(HR, 'What is the company pension contribution?')).toBe(NON_ANSWER));
});

describe('a product FAQ', () => {
it('answers a yes-no question with its answer', () => expectAnswer(ask(FAQ, 'Does the thermostat work without Wi-Fi?'), 'Yes'));
  it('answers what powers it', () => expectAnswer(ask(FAQ, 'What batteries does the thermostat use?'), 'two AA batteries', 0.6));
  // Gap: the count of batteries wins over the duration "about a year" (a number word, not a unit, after "a").
  it.fails('answers a battery life', () => expectAnswer(ask(FAQ, 'How long do the batteries last?'), 'about a year', 0.6));
  // Gap: the abstainer's probability sits at its threshold here (it answered the list before the refit with the
  // degree-sign token, and abstains after it).
  it.fails('answers the supported systems as a list', () => expectAnswer(ask(FAQ, 'Which heating systems are supported?'), 'Gas boilers, oil boilers and heat pumps', 0.8));
  it('answers a nightly frequency', () => expectAnswer(ask(FAQ, 'How often does the thermostat check for firmware updates?'), 'every night', 0.6));
  it('answers support hours', () => expectAnswer(ask(FAQ, 'When can customer support be reached by phone?'), 'weekdays from 8 a.m. to 6 p.m.', 0.6));
  // Gap: the title line names the product, so a question about it is answered with the title's name.
  it.fails('abstains on what it does not say', () => expect(ask(FAQ, 'What is the price of the thermostat?')).toBe(NON_ANSWER));
});
