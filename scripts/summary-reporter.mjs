// A node:test reporter that prints only the closing counts, in the two forms CI understands.
// Suites are not counted; only leaf tests are.
export default async function* summary(source) {
  let pass = 0;
  let fail = 0;
  let skip = 0;
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    if (event.data.details?.type === "suite") continue;
    if (event.data.skip || event.data.todo) skip++;
    else if (event.type === "test:pass") pass++;
    else fail++;
  }
  yield `\n# pass ${pass}\n# fail ${fail}\n# skipped ${skip}\n${pass} passed, ${fail} failed, ${skip} skipped\n`;
}
