import Stripe from 'stripe';
import { StaffRefund } from './staff-refund.entity';
import { remainsToRefund } from './staff-refunds.service';

const stripeRefund = (id: string, amount: number, status: string, staffRefundId?: string) =>
  ({
    id,
    amount,
    status,
    metadata: staffRefundId ? { staff_refund_id: staffRefundId } : {},
  }) as unknown as Stripe.Refund;

const ours = (
  id: string,
  amount: number | null,
  status: StaffRefund['status'],
  stripeRefundId: string | null = null,
) => ({ id, amount, status, stripeRefundId }) as StaffRefund;

describe('what remains to refund', () => {
  const view = (refunds: Stripe.Refund[]) => ({ charged: 10_000, currency: 'usd', refunds });

  it('is the charge less every live refund at Stripe, ours or made elsewhere', () => {
    expect(
      remainsToRefund(
        view([
          stripeRefund('re_1', 2000, 'succeeded', 's1'),
          stripeRefund('re_2', 1000, 'pending'),
          stripeRefund('re_3', 3000, 'failed', 's3'),
        ]),
        [ours('s1', 2000, 'made', 're_1'), ours('s3', 3000, 'made', 're_3')],
      ),
    ).toBe(7000);
  });

  it('also holds back our reservations Stripe does not show yet, counting none twice', () => {
    expect(
      remainsToRefund(view([stripeRefund('re_1', 4000, 'succeeded', 's1')]), [
        ours('s1', 4000, 'made', 're_1'),
        // Reserved and not yet answered, or made after Stripe's list was read.
        ours('s2', 4000, 'reserved'),
        ours('s3', 1000, 'made', 're_9'),
        // Refused by Stripe: the amount is back.
        ours('s4', 5000, 'released'),
      ]),
    ).toBe(1000);
  });
});
