export { CataloguePage, NfsCataloguePage } from './CataloguePage';
