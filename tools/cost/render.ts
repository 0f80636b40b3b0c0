/** The bill as a table for people and as the JSON document scripts read. */
import type { Bill, CostLine } from './model';
import { PRICE_REGION, PRICES_AS_OF } from './prices';
import type { MeasuredUsage } from './usage';

const round = (value: number, digits = 6) => Number(value.toFixed(digits));
export const usd = (value: number) => `$${value === 0 ? '0' : value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(4)}`;

export function billJson(stage: string, bill: Bill) {
  return {
    stage,
    imagesPerMonth: bill.imagesPerMonth,
    monthly: { fixed: round(bill.monthly.fixed, 2), variable: round(bill.monthly.variable, 2), total: round(bill.monthly.total, 2) },
    perMillionImages: { standard: round(bill.perMillionImages.standard, 2), express: round(bill.perMillionImages.express, 2) },
    lines: bill.lines.map(({ item, quantity, unitPrice, monthly }) => ({ item, quantity: round(quantity), unitPrice, monthly: round(monthly) })),
  };
}

function rows(lines: readonly CostLine[]): string[] {
  const quantity = (value: number) => (value >= 1000 ? Math.round(value).toLocaleString('en-US') : round(value, 3).toString());
  return lines.map((entry) => `  ${entry.item.padEnd(78)} ${quantity(entry.quantity).padStart(14)}  × ${entry.unitPrice.toExponential(3).padStart(10)}  = ${usd(entry.monthly).padStart(9)}`);
}

export function billText(stage: string, bill: Bill, usage: MeasuredUsage): string {
  const fixed = bill.lines.filter((entry) => entry.kind === 'fixed');
  const variable = bill.lines.filter((entry) => entry.kind === 'variable');
  return [
    `Monthly cost of image-processor-${stage} at ${bill.imagesPerMonth.toLocaleString('en-US')} images a month (${bill.workflowType} workflow), USD`,
    '',
    'Fixed',
    ...rows(fixed),
    `  ${'fixed total'.padEnd(78)} ${''.padStart(30)}= ${usd(bill.monthly.fixed).padStart(9)}`,
    '',
    'Per image',
    ...rows(variable),
    `  ${'variable total'.padEnd(78)} ${''.padStart(30)}= ${usd(bill.monthly.variable).padStart(9)}`,
    '',
    `Total: ${usd(bill.monthly.total)} a month`,
    `Per million images (variable cost): Standard ${usd(bill.perMillionImages.standard)}, Express ${usd(bill.perMillionImages.express)}`,
    '',
    `Prices: ${PRICE_REGION} list prices as of ${PRICES_AS_OF}, copied by hand, not fetched (tools/cost/prices.ts).`,
    `Usage per image: measured ${usage.measuredOn} by ${usage.how}.`,
    '',
  ].join('\n');
}
