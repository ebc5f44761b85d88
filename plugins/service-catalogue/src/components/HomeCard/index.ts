export {
  HomeCardContent,
  type ServiceCatalogueHomeCardProps,
} from './HomeCard';
