/** Words of the site area: the search, the device tree and its rows, the empty site. */
import type { Message } from './message';

export const en = {
  'site.label': 'Site',
  'site.search.label': 'Search the site',
  'site.search.placeholder': 'Search: name, model or lisbon/kitchen',
  // {clear} is the button that clears the search, worded by site.search.clear.
  'site.search.empty':
    'Nothing matches “{query}”. Check the spelling, search for part of a name, or {clear}.',
  'site.search.clear': 'clear the search',
  'site.collapseAll': 'Collapse all',
  'site.expandRooms': 'Expand rooms',
  'site.notice.dismiss': 'Dismiss',
  'site.loading': 'Loading the site…',
  // {shown} is {count} as the display writes numbers (9,800).
  'site.loadingMore': { one: 'Loading {shown} more device…', other: 'Loading {shown} more devices…' },
  'site.moreNotLoaded': {
    one: '{shown} more device is not shown: the rest of the site could not be loaded.',
    other: '{shown} more devices are not shown: the rest of the site could not be loaded.',
  },
  'site.error.load': 'Could not load the site: {message}',
  'site.error.refresh': 'Could not refresh the site: {message}',

  'site.empty.title': 'No devices yet — waiting for Shelly messages on the broker',
  'site.empty.broker': 'Broker {status}',
  'site.empty.stepMqtt': "In each Shelly's web page, turn on MQTT and point it at this broker.",
  // {prefix} is the topic layout, shown as code.
  'site.empty.stepPrefix':
    'Name the topic prefix {prefix} to place it automatically; anything else arrives under Unassigned.',
  'site.empty.stepWait':
    'Devices appear here as soon as they report (Gen2 within a minute, Gen1 within 30 s).',
  'site.empty.connect': 'Connect to another broker…',

  'site.tree.label': 'Site: company, office, room, device, channel',
  'site.column.name': 'Name',
  'site.column.relay': 'Relay',
  'site.column.power': 'Power',
  'site.column.today': 'Today',

  'site.assign.pending': 'Assigning {device} to {place}…',
  'site.assign.done': '{device} now counts in {place}.',
  'site.assign.failed': 'Could not assign {device}: {message}',

  'site.row.former': 'empty',
  'site.row.formerCounted': 'empty · {energy} counted',
  'site.row.formerTitle':
    'No device is here now. Energy counted here stays with it; its history is still available.',
  'site.row.offline': 'offline',
  'site.row.offlineSeen': 'offline · seen {time}',
  'site.row.lastSeen': 'Last seen {time}',
  'site.row.waiting': 'drag a device onto a room, or use Assign',
  'site.row.assign': 'Assign…',
  'site.row.assignTitle': 'Assign this device to a room',
  'site.row.on': 'On',
  'site.row.off': 'Off',
  'site.row.main.room': 'Main meter of its room',
  'site.row.main.office': 'Main meter of its office',
  'site.row.main.company': 'Main meter of its company',
  'site.row.generation': 'Generation (solar)',
  'site.row.polled': 'polled',
  'site.row.polledTitle': 'Not on MQTT: Kilowatch reads it over HTTP ([[poll]] in kilowatch.toml).',

  'site.online.online': 'online',
  'site.online.offline': 'offline',
  'site.online.unknown': 'online state unknown',
} as const;

export const pt: Record<keyof typeof en, Message> = {
  'site.label': 'Instalação',
  'site.search.label': 'Pesquisar na instalação',
  'site.search.placeholder': 'Pesquisar: nome, modelo ou lisboa/cozinha',
  'site.search.empty':
    'Nada corresponde a «{query}». Verifique a ortografia, pesquise parte de um nome ou {clear}.',
  'site.search.clear': 'limpe a pesquisa',
  'site.collapseAll': 'Recolher tudo',
  'site.expandRooms': 'Expandir divisões',
  'site.notice.dismiss': 'Fechar',
  'site.loading': 'A carregar a instalação…',
  'site.loadingMore': {
    one: 'A carregar mais {shown} dispositivo…',
    other: 'A carregar mais {shown} dispositivos…',
  },
  'site.moreNotLoaded': {
    one: 'Mais {shown} dispositivo não é mostrado: não foi possível carregar o resto da instalação.',
    other: 'Mais {shown} dispositivos não são mostrados: não foi possível carregar o resto da instalação.',
  },
  'site.error.load': 'Não foi possível carregar a instalação: {message}',
  'site.error.refresh': 'Não foi possível atualizar a instalação: {message}',

  'site.empty.title': 'Ainda sem dispositivos — à espera de mensagens Shelly no broker',
  'site.empty.broker': 'Broker: {status}',
  'site.empty.stepMqtt': 'Na página web de cada Shelly, ative o MQTT e aponte-o para este broker.',
  // "Unassigned" stays: it is the name the core gives that place in the tree.
  'site.empty.stepPrefix':
    'Use o prefixo de tópico {prefix} para o colocar automaticamente; tudo o resto fica em Unassigned.',
  'site.empty.stepWait':
    'Os dispositivos aparecem aqui assim que comunicam (Gen2 em menos de um minuto, Gen1 em 30 s).',
  'site.empty.connect': 'Ligar a outro broker…',

  'site.tree.label': 'Instalação: empresa, escritório, divisão, dispositivo, canal',
  'site.column.name': 'Nome',
  'site.column.relay': 'Relé',
  'site.column.power': 'Potência',
  'site.column.today': 'Hoje',

  'site.assign.pending': 'A atribuir {device} a {place}…',
  'site.assign.done': '{device} passa a contar em {place}.',
  'site.assign.failed': 'Não foi possível atribuir {device}: {message}',

  // Rooms, offices and companies differ in gender: "no devices" fits them all.
  'site.row.former': 'sem dispositivos',
  'site.row.formerCounted': 'sem dispositivos · {energy} contados',
  'site.row.formerTitle':
    'Já não há nenhum dispositivo aqui. A energia contada aqui fica com este local; o histórico continua disponível.',
  'site.row.offline': 'sem ligação',
  'site.row.offlineSeen': 'sem ligação · visto às {time}',
  'site.row.lastSeen': 'Visto pela última vez em {time}',
  'site.row.waiting': 'arraste um dispositivo para uma divisão ou use Atribuir',
  'site.row.assign': 'Atribuir…',
  'site.row.assignTitle': 'Atribuir este dispositivo a uma divisão',
  'site.row.on': 'Ligado',
  'site.row.off': 'Desligado',
  'site.row.main.room': 'Contador principal da sua divisão',
  'site.row.main.office': 'Contador principal do seu escritório',
  'site.row.main.company': 'Contador principal da sua empresa',
  'site.row.generation': 'Produção (solar)',
  'site.row.polled': 'lido por HTTP',
  'site.row.polledTitle': 'Não está no MQTT: o Kilowatch lê-o por HTTP ([[poll]] em kilowatch.toml).',

  'site.online.online': 'com ligação',
  'site.online.offline': 'sem ligação',
  'site.online.unknown': 'estado da ligação desconhecido',
};
