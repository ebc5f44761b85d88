import { PageTab, TabbedPage } from '../shared';
import { DeparturesTab } from './DeparturesTab';
import { QueueTab } from './QueueTab';

const TABS: PageTab[] = [
  { path: '/', label: 'Queue', Panel: QueueTab },
  { path: '/departures', label: 'Departures', Panel: DeparturesTab },
];

/**
 * The desk queue: the manual requests for the offerings the signed-in user
 * fulfils, to take, complete or fail; and the departures, what was taken
 * away from people who left.
 *
 * @internal
 */
export function DeskQueuePage() {
  return <TabbedPage title="Desk queue" tabs={TABS} />;
}
