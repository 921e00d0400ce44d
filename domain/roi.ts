/**
 * Return on investment (spec 000 user story 3): what a connector costs against what the user says
 * its work is worth. The settings are the user's figures; the costs and the counts come from the
 * store. Workflow-safe.
 */
import { z } from 'zod';

/** The spec's target: each dollar spent returns three. */
export const ROI_TARGET_RATIO = 3;

/** Days with at least one run needed before a ratio means anything (spec edge case: too little history). */
export const ROI_MINIMUM_DAYS = 7;

const usd = z.number({ error: 'must be a number' }).finite().nonnegative('must be 0 or more');

export const roiSettingsSchema = z.object({
  hourlyRateUsd: usd.max(10_000).describe("what an hour of an analyst's time costs (USD)"),
  manualExportHoursPerWeek: usd.max(168).describe('hours a person spent each week on the manual export loop this connector replaces'),
  valuePerCaughtErrorUsd: usd.max(10_000).describe('what one bad row stopped before the load saves (quarantined rows)'),
  manualStalenessHours: usd.max(8_760).describe('how old the data was, on average, when it was exported by hand'),
  freshnessValuePerHourUsd: usd.max(10_000).describe('what one hour of fresher data is worth, per day'),
  apiCallCostUsd: usd.max(100).describe('what the source bills per API call (0 when calls are free within a plan)'),
  computeCostPerHourUsd: usd.max(10_000).describe('what an hour of run time costs (workers, Temporal)'),
});
export type RoiSettings = z.infer<typeof roiSettingsSchema>;

/** Until the user says otherwise: a weekly two-hour export at 60 USD an hour, data a week old. */
export const DEFAULT_ROI_SETTINGS: RoiSettings = {
  hourlyRateUsd: 60,
  manualExportHoursPerWeek: 2,
  valuePerCaughtErrorUsd: 0.05,
  manualStalenessHours: 84,
  freshnessValuePerHourUsd: 0.1,
  apiCallCostUsd: 0,
  computeCostPerHourUsd: 0.05,
};

/** What a connector's history holds for a window: the store's counts. */
export interface RoiFigures {
  daysWithRuns: number;
  apiCalls: number;
  warehouseCostUsd: number;
  runSeconds: number;
  rowsQuarantined: number;
  /** Mean seconds since the last successful load, sampled at each run; null without one. */
  meanFreshnessSeconds: number | null;
  /** Days in the window. */
  days: number;
}

export interface RoiValue {
  costs: { apiCallsUsd: number; warehouseUsd: number; runTimeUsd: number; totalUsd: number };
  benefits: {
    manualHoursSaved: number;
    manualExportUsd: number;
    errorsCaughtUsd: number;
    freshnessHoursGained: number;
    freshnessUsd: number;
    totalUsd: number;
  };
  netValueUsd: number;
  /** Benefits per dollar of cost; null when nothing was spent. */
  ratio: number | null;
  meetsTarget: boolean;
}

const cents = (usdAmount: number): number => Math.round(usdAmount * 100) / 100;

/** Net value, ratio and the target, from costs and benefits. */
function valueOf(costs: RoiValue['costs'], benefits: RoiValue['benefits']): RoiValue {
  const ratio = costs.totalUsd > 0 ? benefits.totalUsd / costs.totalUsd : null;
  return {
    costs,
    benefits,
    netValueUsd: cents(benefits.totalUsd - costs.totalUsd),
    ratio: ratio === null ? null : Math.round(ratio * 100) / 100,
    meetsTarget: ratio === null ? benefits.totalUsd > 0 : ratio >= ROI_TARGET_RATIO,
  };
}

const tenths = (value: number): number => Math.round(value * 10) / 10;

export function roiOf(figures: RoiFigures, settings: RoiSettings): RoiValue {
  const apiCallsUsd = figures.apiCalls * settings.apiCallCostUsd;
  const runTimeUsd = (figures.runSeconds / 3600) * settings.computeCostPerHourUsd;
  const manualHoursSaved = (settings.manualExportHoursPerWeek * figures.days) / 7;
  const manualExportUsd = manualHoursSaved * settings.hourlyRateUsd;
  const errorsCaughtUsd = figures.rowsQuarantined * settings.valuePerCaughtErrorUsd;
  const freshHours = figures.meanFreshnessSeconds === null ? 0 : figures.meanFreshnessSeconds / 3600;
  const freshnessHoursGained = Math.max(0, settings.manualStalenessHours - freshHours);
  const freshnessUsd = freshnessHoursGained * settings.freshnessValuePerHourUsd * figures.days;
  return valueOf(
    {
      apiCallsUsd: cents(apiCallsUsd),
      warehouseUsd: cents(figures.warehouseCostUsd),
      runTimeUsd: cents(runTimeUsd),
      totalUsd: cents(apiCallsUsd + figures.warehouseCostUsd + runTimeUsd),
    },
    {
      manualHoursSaved: tenths(manualHoursSaved),
      manualExportUsd: cents(manualExportUsd),
      errorsCaughtUsd: cents(errorsCaughtUsd),
      freshnessHoursGained: tenths(freshnessHoursGained),
      freshnessUsd: cents(freshnessUsd),
      totalUsd: cents(manualExportUsd + errorsCaughtUsd + freshnessUsd),
    },
  );
}

/** Several connectors' values as one: costs and benefits summed, the ratio of the sums. */
export function sumOfValues(values: readonly RoiValue[]): RoiValue {
  const sum = (pick: (value: RoiValue) => number): number => values.reduce((total, value) => total + pick(value), 0);
  return valueOf(
    {
      apiCallsUsd: cents(sum((v) => v.costs.apiCallsUsd)),
      warehouseUsd: cents(sum((v) => v.costs.warehouseUsd)),
      runTimeUsd: cents(sum((v) => v.costs.runTimeUsd)),
      totalUsd: cents(sum((v) => v.costs.totalUsd)),
    },
    {
      manualHoursSaved: tenths(sum((v) => v.benefits.manualHoursSaved)),
      manualExportUsd: cents(sum((v) => v.benefits.manualExportUsd)),
      errorsCaughtUsd: cents(sum((v) => v.benefits.errorsCaughtUsd)),
      freshnessHoursGained: tenths(sum((v) => v.benefits.freshnessHoursGained)),
      freshnessUsd: cents(sum((v) => v.benefits.freshnessUsd)),
      totalUsd: cents(sum((v) => v.benefits.totalUsd)),
    },
  );
}
