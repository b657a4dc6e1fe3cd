// Answers IAM authorization questions for the emulator tests (tests/aws/iamsim.py), one JSON
// object per line on stdin, one answer per line on stdout, with @cloud-copilot/iam-simulate:
// an evaluator of identity policies, permissions boundaries, condition operators and policy
// variables that checks each context key against the Service Authorization Reference.
import { createInterface } from 'node:readline';
import { runSimulation } from '@cloud-copilot/iam-simulate';

const lines = createInterface({ input: process.stdin, terminal: false });
for await (const line of lines) {
  if (!line.trim()) continue;
  const ask = JSON.parse(line);
  let answer;
  try {
    const result = await runSimulation({
      request: {
        principal: ask.principal,
        action: ask.action,
        resource: { resource: ask.resource, accountId: ask.account },
        contextVariables: ask.context,
      },
      identityPolicies: ask.policies,
      permissionBoundaryPolicies: ask.boundary ? [ask.boundary] : undefined,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {});
    if (result.resultType === 'error') {
      answer = { decision: 'Error', errors: result.errors };
    } else {
      const ignored = result.resultType === 'single' ? result.result.ignoredContextKeys ?? [] : [];
      answer = { decision: result.overallResult, ignored };
    }
  } catch (error) {
    answer = { decision: 'Error', errors: { message: String(error) } };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
