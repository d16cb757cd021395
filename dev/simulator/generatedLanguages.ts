/** Main languages of generated repositories, the more common ones first and listed more often. */
const MAIN_LANGUAGES = ['TypeScript', 'TypeScript', 'C#', 'C#', 'Java', 'Python', 'Go', 'JavaScript', 'Kotlin', 'PowerShell', 'HCL'];

/** Languages that come along in smaller amounts; `.sh` and `Unknown` are not languages to project analysis. */
const SIDE_LANGUAGES = ['JavaScript', 'JSON', 'YAML', 'Markdown', 'Shell', 'CSS', 'HTML', 'Dockerfile', '.sh', 'Unknown'];

/** Bytes per language for a generated repository: one main language and up to three others. */
export function generatedLanguages(random: () => number): Record<string, number> {
  const main = MAIN_LANGUAGES[Math.floor(random() * MAIN_LANGUAGES.length)];
  const languages: Record<string, number> = { [main]: 20_000 + Math.floor(random() * 2_000_000) };
  const sides = Math.floor(random() * 4);
  for (let index = 0; index < sides; index += 1) {
    const side = SIDE_LANGUAGES[Math.floor(random() * SIDE_LANGUAGES.length)];
    if (!(side in languages)) languages[side] = 500 + Math.floor(random() * 200_000);
  }
  return languages;
}
