/** Words of the alerts area (see index.ts). Keys start with "alerts.". */
import type { Message } from './message';

export const en = {
  'alerts.title': 'Alerts',
  'alerts.notAcked': 'Not acknowledged yet',
  'alerts.clearAll': 'Clear all',
  'alerts.clearThese': 'Clear these',
  // The label of the kind filter: "Show [every kind]".
  'alerts.filter.show': 'Show',
  'alerts.filter.every': 'every kind',
  'alerts.loadFailed': 'The stored alerts could not be loaded: {error}',
  'alerts.loading': 'Loading alerts…',
  'alerts.none': 'No alerts. Devices going offline, rejected messages and storage problems show up here.',
  'alerts.noneOfKind': 'No alerts of this kind.',
  'alerts.showFewer': 'Show fewer',
  'alerts.showMore': 'Show {count} more',

  'alerts.kind.device-offline': 'Offline',
  'alerts.kind.device-online': 'Back online',
  'alerts.kind.counter-reset': 'Counter reset',
  'alerts.kind.message-rejected': 'Rejected',
  'alerts.kind.broker': 'Broker',
  'alerts.kind.storage': 'Storage',
  'alerts.kind.implausible-jump': 'Implausible jump',
  'alerts.kind.water-leak': 'Water',
  'alerts.kind.engine': 'Engine',

  'alerts.happened': { one: 'Happened {count} time', other: 'Happened {count} times' },
  'alerts.lastAt': 'last at {time}',
  // {first} and {last} are the times, each in its own <time> element.
  'alerts.times': 'First {first}, last {last}',
  'alerts.technical': 'Technical detail',
  'alerts.acked': 'Acknowledged {when}',
  'alerts.ackedBy': 'Acknowledged {when} by {who}',
  'alerts.ack': 'Acknowledge',
  'alerts.ackLabel': 'Acknowledge alert: {message}',
  'alerts.clear': 'Clear',
  'alerts.clearLabel': 'Clear alert: {message}',
  'alerts.showInTree': 'Show in tree',
} as const;

export const pt: Record<keyof typeof en, Message> = {
  'alerts.title': 'Alertas',
  'alerts.notAcked': 'Ainda não reconhecidos',
  'alerts.clearAll': 'Limpar todos',
  'alerts.clearThese': 'Limpar estes',
  'alerts.filter.show': 'Mostrar',
  'alerts.filter.every': 'todos os tipos',
  'alerts.loadFailed': 'Não foi possível carregar os alertas guardados: {error}',
  'alerts.loading': 'A carregar alertas…',
  'alerts.none':
    'Sem alertas. Dispositivos que perdem a ligação, mensagens rejeitadas e problemas de armazenamento aparecem aqui.',
  'alerts.noneOfKind': 'Não há alertas deste tipo.',
  'alerts.showFewer': 'Mostrar menos',
  'alerts.showMore': 'Mostrar mais {count}',

  'alerts.kind.device-offline': 'Sem ligação',
  'alerts.kind.device-online': 'Ligação reposta',
  'alerts.kind.counter-reset': 'Contador reiniciado',
  'alerts.kind.message-rejected': 'Rejeitado',
  'alerts.kind.broker': 'Broker',
  'alerts.kind.storage': 'Armazenamento',
  'alerts.kind.implausible-jump': 'Salto implausível',
  'alerts.kind.water-leak': 'Água',
  'alerts.kind.engine': 'Motor de contagem',

  'alerts.happened': { one: 'Aconteceu {count} vez', other: 'Aconteceu {count} vezes' },
  'alerts.lastAt': 'última vez: {time}',
  'alerts.times': 'Primeira vez {first}, última {last}',
  'alerts.technical': 'Detalhe técnico',
  'alerts.acked': 'Reconhecido {when}',
  'alerts.ackedBy': 'Reconhecido {when} por {who}',
  'alerts.ack': 'Reconhecer',
  'alerts.ackLabel': 'Reconhecer alerta: {message}',
  'alerts.clear': 'Limpar',
  'alerts.clearLabel': 'Limpar alerta: {message}',
  'alerts.showInTree': 'Mostrar na árvore',
};
