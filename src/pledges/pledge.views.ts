import { Pledge } from './pledge.entity';

export interface PledgeView {
  id: string;
  campaign: { slug: string; title: string } | null;
  status: Pledge['status'];
  amount: number;
  currency: string;
  interval: Pledge['interval'];
  installments: number | null;
  paidInstallments: number;
  anonymous: boolean;
  currentPeriodEnd: string | null;
  pausedUntil: string | null;
  cancelReason: string | null;
  canceledAt: string | null;
  createdAt: string;
}

export function pledgeView(
  p: Pledge,
  campaign: { slug: string; title: string } | null,
): PledgeView {
  return {
    id: p.id,
    campaign,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    interval: p.interval,
    installments: p.installments,
    paidInstallments: p.paidInstallments,
    anonymous: p.anonymous,
    currentPeriodEnd: p.currentPeriodEnd?.toISOString() ?? null,
    pausedUntil: p.pausedUntil?.toISOString() ?? null,
    cancelReason: p.cancelReason,
    canceledAt: p.canceledAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
  };
}
