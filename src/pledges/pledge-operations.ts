import { ChangePledgeAmountDto, MovePledgeDto, PausePledgeDto } from './create-pledge.dto';
import { PledgeActor, PledgesService } from './pledges.service';

/** The same operations for a signed-in donor (own pledges only) and for staff (any pledge). */
export abstract class PledgeOperations {
  protected abstract readonly pledges: PledgesService;

  protected ops(actor: PledgeActor) {
    return {
      get: (id: string) => this.pledges.get(actor, id),
      changeAmount: (id: string, dto: ChangePledgeAmountDto) =>
        this.pledges.changeAmount(actor, id, dto.amount),
      pause: (id: string, dto: PausePledgeDto) => this.pledges.pause(actor, id, dto.until),
      resume: (id: string) => this.pledges.resume(actor, id),
      cancel: (id: string) => this.pledges.cancel(actor, id),
      paymentMethod: (id: string) => this.pledges.newPaymentMethod(actor, id),
      move: (id: string, dto: MovePledgeDto) => this.pledges.move(actor, id, dto.campaign),
    };
  }
}
