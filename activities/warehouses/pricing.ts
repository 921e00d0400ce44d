/** A load's cost at list price, from the pricing a plug-in declares as data. */
import type { LoadCostEstimate, LoadFigures, WarehousePricing } from './types';

const BYTES_PER_TIB = 2 ** 40;

/** Rounded to a millionth of a dollar: finer figures would only suggest a precision list prices lack. */
const usd = (amount: number): number => Math.round(amount * 1e6) / 1e6;

export function estimateFromPricing(pricing: WarehousePricing, figures: LoadFigures): LoadCostEstimate {
  switch (pricing.model) {
    case 'self-hosted':
      return { amountUsd: 0, basis: 'self-hosted: no per-load charge' };
    case 'compute-time': {
      const seconds = Math.max(pricing.minimumSeconds, figures.rows / pricing.rowsPerSecond);
      return {
        amountUsd: usd((seconds / 3600) * pricing.usdPerHour),
        basis: `${Math.ceil(seconds)} s of compute at $${pricing.usdPerHour}/hour (list price: ${pricing.source})`,
      };
    }
    case 'bytes-scanned': {
      const bytes = Math.max(pricing.minimumBytes, figures.bytes);
      return {
        amountUsd: usd((bytes / BYTES_PER_TIB) * pricing.usdPerTiB),
        basis: `${bytes} bytes scanned at $${pricing.usdPerTiB}/TiB (list price: ${pricing.source})`,
      };
    }
  }
}
