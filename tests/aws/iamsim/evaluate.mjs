// Answers IAM authorization questions for the tests (tests/aws/iamsim.py) with
// @cloud-copilot/iam-simulate: an evaluator of identity policies, permissions boundaries, condition
// operators and policy variables that checks each context key against the Service Authorization
// Reference. One JSON object a line on stdin, a batch:
//   {"policies": [{name, policy}...], "boundary": {name, policy} | null, "questions": [{principal,
//    account, action, resource, context, bucketAbacEnabled}...]}
// (bucketAbacEnabled: whether an S3 bucket's ABAC is on; while it is off, iam-simulate gives the
// policies none of the bucket's tags, as S3 does)
// and one line on stdout: the answers, in order ([{decision, ignored, errors}...]).
//
// iam-simulate analyses every statement of every policy for each question, conditions included,
// to explain its answer; here only the statements that can decide one action are given to it
// (forAction): every Deny, every NotAction, and each Allow whose Action matches. A statement whose
// Action does not match the question's action neither allows nor denies it, so the answer is the
// same, several times faster. Each policy set is validated whole, once (its first question is asked
// of the whole set); an invalid set answers every question with iam-simulate's errors.
//
// iam-simulate also finds the resource types an (action, resource) pair may be, matching the ARN
// against every type's pattern, twice a question; the answer depends on nothing else (the Service
// Authorization Reference that iam-data holds), so it is kept: its CommonJS build calls the function
// through its module's exports, where a remembering version is put before the first question.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
const build = require.resolve('@cloud-copilot/iam-simulate').replace(/index\.js$/, ''); // dist/cjs/
const resourceTypes = require(build + 'simulation_engine/resourceTypes.js');
if (typeof resourceTypes.getResourceTypesForAction !== 'function') {
  throw new Error(`${build}simulation_engine/resourceTypes.js no longer exports getResourceTypesForAction`);
}
const findTypes = resourceTypes.getResourceTypesForAction;
const found = new Map();
resourceTypes.getResourceTypesForAction = (service, action, resource) => {
  const key = JSON.stringify([service, action, resource]);
  if (!found.has(key)) found.set(key, findTypes(service, action, resource));
  return found.get(key);
};
const { runSimulation } = require('@cloud-copilot/iam-simulate');

const list = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
// IAM matches an action case-insensitively, with * (any characters) and ? (one character).
const pattern = (glob) => new RegExp('^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
const canDecide = (statement, action) =>
  statement.Effect !== 'Allow' || statement.NotAction !== undefined || list(statement.Action).some((a) => pattern(a).test(action));
const trimmed = ({ name, policy }, action) =>
  ({ name, policy: { ...policy, Statement: list(policy.Statement).filter((s) => canDecide(s, action)) } });

const sets = new Map(); // policy set (as sent) -> {errors, byAction}

async function simulate(ask, policies, boundary) {
  return runSimulation({
    request: {
      principal: ask.principal,
      action: ask.action,
      resource: { resource: ask.resource, accountId: ask.account },
      contextVariables: ask.context,
    },
    additionalSettings: { s3: { bucketAbacEnabled: !!ask.bucketAbacEnabled } },
    identityPolicies: policies,
    permissionBoundaryPolicies: boundary ? [boundary] : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, {});
}

async function answer(set, batch, ask) {
  try {
    if (set.errors === undefined) { // the set's first question: the whole set, validated
      const whole = await simulate(ask, batch.policies, batch.boundary);
      set.errors = whole.resultType === 'error' && whole.errors.message === 'policy.errors' ? whole.errors : null;
    }
    if (set.errors) return { decision: 'Error', errors: set.errors };
    const action = ask.action.toLowerCase();
    if (!set.byAction.has(action)) {
      set.byAction.set(action, [batch.policies.map((p) => trimmed(p, ask.action)), batch.boundary && trimmed(batch.boundary, ask.action)]);
    }
    const [policies, boundary] = set.byAction.get(action);
    const result = await simulate(ask, policies, boundary);
    if (result.resultType === 'error') return { decision: 'Error', errors: result.errors };
    const ignored = result.resultType === 'single' ? result.result.ignoredContextKeys ?? [] : [];
    return { decision: result.overallResult, ignored };
  } catch (error) {
    return { decision: 'Error', errors: { message: String(error) } };
  }
}

const lines = createInterface({ input: process.stdin, terminal: false });
for await (const line of lines) {
  if (!line.trim()) continue;
  const batch = JSON.parse(line);
  const key = JSON.stringify([batch.policies, batch.boundary ?? null]);
  if (!sets.has(key)) sets.set(key, { errors: undefined, byAction: new Map() });
  const answers = [];
  for (const ask of batch.questions) answers.push(await answer(sets.get(key), batch, ask));
  process.stdout.write(JSON.stringify(answers) + '\n');
}
