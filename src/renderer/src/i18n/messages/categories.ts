/** Words of device categories: a device's own and a place's energy by category (see index.ts). */
import type { Message } from './message';

export const en = {
  'category.lighting': 'Lighting',
  'category.hvac': 'HVAC',
  'category.plug': 'Plug loads',
  'category.kitchen': 'Kitchen',
  'category.it': 'IT',
  'category.other': 'Other',

  'category.title': 'Category',
  'category.byModel': 'As its model says',
  // "As its model says (Plug loads)": what the model gives, when that is what applies now.
  'category.byModelIs': 'As its model says ({category})',
  'category.apply': 'Apply from now',
  'category.saved': 'Saved. It applies from now on; energy counted before stays in its category.',
  'category.setHere': '(set in the console)',

  'categories.title': 'By category',
  'categories.boundary': 'the energy by category',
  'categories.loading': 'Adding up the categories…',
  'categories.error': 'The categories could not be loaded: {message}',
  'categories.allOther': 'No categories set yet: all energy is Other.',
  'categories.none': 'No energy counted in this range.',
  'categories.category': 'Category',
  'categories.energy': 'Energy',
  'categories.cost': 'Cost',
  'categories.total': 'Total',
} as const;

export const pt: Record<keyof typeof en, Message> = {
  'category.lighting': 'Iluminação',
  'category.hvac': 'AVAC',
  'category.plug': 'Tomadas',
  'category.kitchen': 'Cozinha',
  'category.it': 'Informática',
  'category.other': 'Outros',

  'category.title': 'Categoria',
  'category.byModel': 'Como diz o modelo',
  'category.byModelIs': 'Como diz o modelo ({category})',
  'category.apply': 'Aplicar a partir de agora',
  'category.saved':
    'Guardado. Aplica-se a partir de agora; a energia contada antes fica na categoria em que estava.',
  'category.setHere': '(definida na consola)',

  'categories.title': 'Por categoria',
  'categories.boundary': 'a energia por categoria',
  'categories.loading': 'A somar as categorias…',
  'categories.error': 'Não foi possível carregar as categorias: {message}',
  'categories.allOther': 'Ainda sem categorias: toda a energia é Outros.',
  'categories.none': 'Nenhuma energia contada neste período.',
  'categories.category': 'Categoria',
  'categories.energy': 'Energia',
  'categories.cost': 'Custo',
  'categories.total': 'Total',
};
