/** Checks a label selector: valid matchLabels and well-formed matchExpressions. */
import type { V1LabelSelector, V1LabelSelectorRequirement } from '@kubernetes/client-node';
import { BuilderValidationError } from '../errors.js';
import { validateLabelKey, validateLabels, validateLabelValue } from '../validation.js';

const setOperators = new Set(['In', 'NotIn']);
const existsOperators = new Set(['Exists', 'DoesNotExist']);

/** Checks `selector` and returns a copy without empty parts; `{}` selects every pod of the namespace. */
export function checkLabelSelector(selector: V1LabelSelector, field: string): V1LabelSelector {
  const matchLabels = validateLabels(selector.matchLabels, `${field}.matchLabels`);
  const matchExpressions = (selector.matchExpressions ?? []).map((expression, index) =>
    checkExpression(expression, `${field}.matchExpressions[${index}]`),
  );
  return {
    ...(Object.keys(matchLabels).length > 0 && { matchLabels }),
    ...(matchExpressions.length > 0 && { matchExpressions }),
  };
}

function checkExpression(expression: V1LabelSelectorRequirement, field: string): V1LabelSelectorRequirement {
  validateLabelKey(expression.key, `${field}.key`);
  const values = expression.values ?? [];
  if (setOperators.has(expression.operator)) {
    if (values.length === 0) {
      const detail = `the operator ${expression.operator} needs at least one value`;
      throw new BuilderValidationError(`${field}.values`, 'required', expression.values, detail);
    }
    for (const [i, value] of values.entries()) validateLabelValue(value, `${field}.values[${i}]`);
  } else if (existsOperators.has(expression.operator)) {
    if (values.length > 0) {
      const detail = `the operator ${expression.operator} takes no values`;
      throw new BuilderValidationError(`${field}.values`, 'conflict', expression.values, detail);
    }
  } else {
    const detail = 'the operator must be In, NotIn, Exists or DoesNotExist';
    throw new BuilderValidationError(`${field}.operator`, 'enum', expression.operator, detail);
  }
  return {
    key: expression.key,
    operator: expression.operator,
    ...(values.length > 0 && { values: [...values] }),
  };
}
