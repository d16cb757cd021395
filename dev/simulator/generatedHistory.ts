import type { CommitInit, SimulatedPerson } from './organization';

/**
 * Shares of generated repositories by the age of their last commit, in Snyk's freshness terms:
 * active (a commit in the last 90 days), inactive (90 to 180 days) and dormant (older).
 */
export const GENERATED_FRESHNESS = { active: 0.6, inactive: 0.2, dormant: 0.2 } as const;

/** The most commits an active repository gets in its last 90 days. */
export const MOST_RECENT_COMMITS = 30;

/**
 * People who commit to generated repositories. Some appear twice, their address differing only in
 * case, as one person committing from two machines does; contributors are distinct people, not
 * distinct spellings.
 */
export const GENERATED_PEOPLE: readonly SimulatedPerson[] = [
  { name: 'Alice Martin', email: 'alice.martin@contoso.example' },
  { name: 'Alice Martin', email: 'Alice.Martin@Contoso.example' },
  { name: 'Bilal Khan', email: 'bilal.khan@contoso.example' },
  { name: 'Bilal Khan', email: 'BILAL.KHAN@CONTOSO.EXAMPLE' },
  { name: 'Chen Wei', email: 'chen.wei@contoso.example' },
  { name: 'Dana Cohen', email: 'dana.cohen@contoso.example' },
  { name: 'Emeka Obi', email: 'emeka.obi@contoso.example' },
  { name: 'Freya Larsen', email: 'freya.larsen@contoso.example' },
  { name: 'Gabriel Souza', email: 'gabriel.souza@contoso.example' },
  { name: 'Hana Sato', email: 'hana.sato@contoso.example' },
  { name: 'Ivan Petrov', email: 'ivan.petrov@contoso.example' },
  { name: 'Julia Novak', email: 'julia.novak@contoso.example' },
];

/** Automation that commits too, and must not count as a contributor. */
export const GENERATED_BOTS: readonly SimulatedPerson[] = [
  { name: 'Azure Pipelines', email: 'azuredevops@microsoft.com' },
  { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com' },
  { name: 'renovate[bot]', email: '29139614+renovate[bot]@users.noreply.github.com' },
];

const COMMENTS = [
  'Fix flaky test',
  'Update dependencies',
  'Add input validation',
  'Refactor configuration loading',
  'Bump version',
  'Document the deployment steps',
  'Merged PR 1042: Retry on timeouts',
];

const DAY_MS = 86_400_000;
const BOT_SHARE = 0.3;

/**
 * A repository's default-branch history, newest first, its dates spread back from `now` (whole
 * seconds, at least a day old, so that no generated commit lands in a window a test has just
 * opened). `freshnessDraw` (0 to 1) picks active, inactive or dormant by
 * {@link GENERATED_FRESHNESS}: an active repository has 1 to {@link MOST_RECENT_COMMITS} commits
 * in its last 90 days, and any repository may have one older; authors come from a small team drawn
 * from {@link GENERATED_PEOPLE}, sometimes with a bot. The newest commit gets no id: the
 * repository derives it from its files.
 */
export function generatedHistory(freshnessDraw: number, random: () => number, now: number): CommitInit[] {
  const team = teamOf(random);
  const pick = () => team[Math.floor(random() * team.length)];
  const ages: number[] = [];
  if (freshnessDraw < GENERATED_FRESHNESS.active) {
    const newest = 1 + random() * 88;
    ages.push(newest);
    // Skewed towards few: most repositories see a handful of commits a quarter, some dozens.
    const recent = Math.floor(random() ** 2 * MOST_RECENT_COMMITS);
    for (let index = 0; index < recent; index += 1) ages.push(newest + random() * (89.9 - newest));
  } else {
    const newest = freshnessDraw < GENERATED_FRESHNESS.active + GENERATED_FRESHNESS.inactive ? 91 + random() * 88 : 181 + random() * 900;
    ages.push(newest);
  }
  const older = Math.floor(random() * 2);
  for (let index = 0; index < older; index += 1) ages.push(ages[0] + 90 + random() * 400);
  ages.sort((a, b) => a - b);
  return ages.map((age, index) => {
    const commit: CommitInit = {
      author: pick(),
      committedAt: new Date(Math.floor((now - age * DAY_MS) / 1000) * 1000),
      comment: COMMENTS[Math.floor(random() * COMMENTS.length)],
    };
    if (index > 0) commit.id = hexId(random);
    return commit;
  });
}

function teamOf(random: () => number): SimulatedPerson[] {
  const size = 1 + Math.floor(random() * 4);
  const team = Array.from({ length: size }, () => GENERATED_PEOPLE[Math.floor(random() * GENERATED_PEOPLE.length)]);
  if (random() < BOT_SHARE) team.push(GENERATED_BOTS[Math.floor(random() * GENERATED_BOTS.length)]);
  return team;
}

const HEX_DIGITS = '0123456789abcdef';

/**
 * 40 hex digits, shaped like a commit id; cheaper than hashing for thousands of repositories, and
 * built from character codes so that each id is one flat string, not a rope of pieces.
 */
function hexId(random: () => number): string {
  const codes: number[] = [];
  for (let part = 0; part < 5; part += 1) {
    const word = Math.floor(random() * 0x1_0000_0000);
    for (let shift = 28; shift >= 0; shift -= 4) codes.push(HEX_DIGITS.charCodeAt((word >>> shift) & 0xf));
  }
  return String.fromCharCode(...codes);
}
