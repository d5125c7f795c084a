import { coldStartSection } from '../bench/cold-start';
console.log(coldStartSection());
