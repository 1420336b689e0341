import { PageQuery } from '../common/validation/page.query';

export class ListJobFailuresQuery extends PageQuery {}
