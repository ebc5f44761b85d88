export { DeskQueuePage } from './DeskQueuePage';
