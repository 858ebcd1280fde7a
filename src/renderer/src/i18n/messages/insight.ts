/** Words of the Insight panel (see index.ts). Keys start with "insight.". */
import type { Message } from './message';

export const en = {
  'insight.title': 'Insight',
  'insight.boundary': 'the insight',
  'insight.loading': 'Working out the insight…',
  'insight.error': 'The insight could not be loaded: {message}',
  'insight.updated': 'as of {time}',

  'insight.today.title': 'Today so far',
  'insight.month.title': 'This month so far',
  // Said beside the arrow, so the direction is never told by colour alone.
  'insight.change.up': 'more',
  'insight.change.down': 'less',
  'insight.change.same': 'no change',
  'insight.compared': 'Compared with {period}: {energy}',
  'insight.comparedCost': 'Compared with {period}: {energy}, {cost}',
  'insight.toTheHour': 'Compared to the hour',
  'insight.toTheHourHint':
    'The minutes of the earlier period are no longer kept, so both periods are read to the whole hour.',
  // "Tuesday, 1 Dec until 10:15"
  'insight.period.until': '{day} until {time}',
  // "1 Nov to 5 Nov, 10:15"
  'insight.period.span': '{from} to {to}',

  'insight.base.title': 'Base load',
  'insight.base.hint':
    'The lowest 15-minute average power during the night, counted only where every minute has data.',
  'insight.base.perDay': '= {energy} a day, {share} of yesterday',
  'insight.base.perDayOnly': '= {energy} a day',
  'insight.base.cost': 'At yesterday’s prices: {cost} a day, {share} of yesterday’s cost',
  'insight.base.costOnly': 'At yesterday’s prices: {cost} a day',
  'insight.base.costHint':
    'The base load through every minute of yesterday, each minute at the price in force then.',
  'insight.base.window': 'Lowest from {from} to {to}',
  'insight.base.night': 'Night: {from} to {to}',
  'insight.base.none': 'No base load: last night ({from} to {to}) has no 15 minutes with every minute read.',

  'insight.consumers.title': 'Top consumers this month',
  'insight.consumers.none': 'Nothing below this place used energy this month.',
  'insight.movers.title': 'Top movers',
  'insight.movers.period': 'Last 7 days against the 7 before',
  'insight.movers.none': 'Nothing below this place changed its use.',
  // A mover that used nothing before: no percentage of zero.
  'insight.movers.new': 'new',
  'insight.movers.was': '{energy}, was {previous}',
  'insight.nights.title': 'Rooms by night use',
  // Every room's night has a cost: the core ranks them by it.
  'insight.nights.titleCost': 'Rooms by night cost',
  'insight.nights.none': 'No room used energy last night.',
  'insight.showInTree': 'Show {name} in the tree',
} as const;

export const pt: Record<keyof typeof en, Message> = {
  'insight.title': 'Análise',
  'insight.boundary': 'a análise',
  'insight.loading': 'A calcular a análise…',
  'insight.error': 'Não foi possível carregar a análise: {message}',
  'insight.updated': 'às {time}',

  'insight.today.title': 'Hoje até agora',
  'insight.month.title': 'Este mês até agora',
  'insight.change.up': 'mais',
  'insight.change.down': 'menos',
  'insight.change.same': 'sem alteração',
  'insight.compared': 'Comparado com {period}: {energy}',
  'insight.comparedCost': 'Comparado com {period}: {energy}, {cost}',
  'insight.toTheHour': 'Comparado à hora',
  'insight.toTheHourHint':
    'Os minutos do período anterior já não são guardados, por isso ambos os períodos são lidos à hora completa.',
  'insight.period.until': '{day} até às {time}',
  'insight.period.span': '{from} a {to}',

  'insight.base.title': 'Consumo de base',
  'insight.base.hint':
    'A potência média mais baixa em 15 minutos durante a noite, contada só onde cada minuto tem dados.',
  'insight.base.perDay': '= {energy} por dia, {share} de ontem',
  'insight.base.perDayOnly': '= {energy} por dia',
  'insight.base.cost': 'Aos preços de ontem: {cost} por dia, {share} do custo de ontem',
  'insight.base.costOnly': 'Aos preços de ontem: {cost} por dia',
  'insight.base.costHint':
    'O consumo de base em cada minuto de ontem, cada minuto ao preço em vigor nesse momento.',
  'insight.base.window': 'Mais baixo das {from} às {to}',
  'insight.base.night': 'Noite: {from} a {to}',
  'insight.base.none':
    'Sem consumo de base: a última noite ({from} a {to}) não tem 15 minutos com todos os minutos lidos.',

  'insight.consumers.title': 'Maiores consumidores este mês',
  'insight.consumers.none': 'Nada abaixo deste local consumiu energia este mês.',
  'insight.movers.title': 'Maiores variações',
  'insight.movers.period': 'Últimos 7 dias face aos 7 anteriores',
  'insight.movers.none': 'Nada abaixo deste local mudou o seu consumo.',
  'insight.movers.new': 'novo',
  'insight.movers.was': '{energy}, antes {previous}',
  'insight.nights.title': 'Quartos por consumo noturno',
  'insight.nights.titleCost': 'Quartos por custo noturno',
  'insight.nights.none': 'Nenhum quarto consumiu energia na última noite.',
  'insight.showInTree': 'Mostrar {name} na árvore',
};
