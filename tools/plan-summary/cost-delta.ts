/** The monthly cost before and after a plan, from the cost model, at a given volume. */
import { describeDeployment, type TerraformResource } from '../cost/deployment';
import { monthlyBill } from '../cost/model';
import type { MeasuredUsage } from '../cost/usage';
import { kindOf, type ResourceChange } from './plan';

export interface CostDelta {
  readonly before: number;
  readonly after: number;
  readonly fixedBefore: number;
  readonly fixedAfter: number;
}

function monthly(resources: readonly TerraformResource[], usage: MeasuredUsage, images: number): { total: number; fixed: number } {
  // Nothing deployed costs nothing; the model's per-image lines assume the pipeline exists.
  if (!resources.some((resource) => resource.type === 'aws_lambda_function')) return { total: 0, fixed: 0 };
  const bill = monthlyBill(describeDeployment(resources), usage, images);
  return { total: bill.monthly.total, fixed: bill.monthly.fixed };
}

export function costDelta(changes: readonly ResourceChange[], usage: MeasuredUsage, images: number): CostDelta {
  const side = (which: 'before' | 'after') =>
    changes.flatMap((change) => {
      const kind = kindOf(change);
      const values = change.change[which];
      if (!values || (which === 'before' && kind === 'create') || (which === 'after' && kind === 'delete')) return [];
      return [{ type: change.type, name: change.name, values }];
    });
  const before = monthly(side('before'), usage, images);
  const after = monthly(side('after'), usage, images);
  return { before: before.total, after: after.total, fixedBefore: before.fixed, fixedAfter: after.fixed };
}
