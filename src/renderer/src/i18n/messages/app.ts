/** Words of the frame around everything: the header and the regions' names. */
import type { Message } from './message';

export const en = {
  'app.loading': 'Loading…',

  // What a crashed region is called: the `what` of "Something went wrong in {what}".
  'app.region.app': 'Kilowatch',
  'app.region.report': 'the report',
  'app.region.header': 'the header',
  'app.region.tree': 'the device tree',
  'app.region.details': 'the details panel',
  'app.region.alerts': 'the alerts',
  'app.region.wizard': 'the connection wizard',
  'app.crash.title': 'Something went wrong in {what}',
  'app.crash.details': 'Technical details',
  'app.crash.componentStack': 'Component stack:',
  'app.crash.retry': 'Try again',

  'app.header.settings': 'Settings…',
  'app.header.audit': 'Audit…',
  'app.header.exportCsv': 'Export CSV…',
  'app.header.connect': 'Connect…',
  'app.header.connectTitle': 'Connect to a broker (the connection wizard)',

  'app.access.noPin': 'No manager PIN: anyone here may switch power.',
  'app.access.setPin': 'Set a PIN…',
  'app.access.manager': 'Manager',
  'app.access.managerUntil': 'Manager until {time}',
  'app.access.desk': 'Desk',
  'app.access.changePin': 'PIN…',
  'app.access.lock': 'Lock',
  'app.access.unlock': 'Unlock…',

  'app.connection.status.disconnected': 'disconnected',
  'app.connection.status.connecting': 'connecting',
  'app.connection.status.connected': 'connected',
  'app.connection.status.reconnecting': 'reconnecting',
  'app.connection.status.error': 'error',
  'app.connection.status.unreachable': 'unreachable',
  'app.connection.status.unknown': 'unknown',
  'app.connection.brokerUnreachable': 'broker unreachable',
  'app.connection.serviceDown': 'The Kilowatch service is not reachable, retrying',
  'app.connection.demo': 'demo',
  'app.connection.tlsUnverified': 'TLS unverified',
  'app.connection.retryIn': 'retrying in {seconds} s',
  'app.connection.retryNow': 'retrying now…',
  'app.connection.reconnectNow': 'Reconnect now',
  'app.connection.reconnecting': 'Reconnecting…',
  'app.connection.dropped': {
    one: '{count} invalid message dropped',
    other: '{count} invalid messages dropped',
  },

  'app.company.title': '{name}: select to see its details',
  'app.company.now': 'Now',
  'app.company.today': 'Today',

  'app.diagnostics.export': 'Export diagnostics',
  'app.diagnostics.exporting': 'Exporting…',
  'app.diagnostics.title':
    'A zip for support: logs, versions, settings without passwords or tokens, the last alerts',
  'app.diagnostics.saved': 'Saved “{fileName}” to your downloads: logs and settings, without passwords.',
  'app.diagnostics.failed': 'Could not export diagnostics: {message}',
} as const;

export const pt: Record<keyof typeof en, Message> = {
  'app.loading': 'A carregar…',

  // A noun phrase with its article: the heading reads "Algo correu mal: a árvore de dispositivos".
  'app.region.app': 'o Kilowatch',
  'app.region.report': 'o relatório',
  'app.region.header': 'o cabeçalho',
  'app.region.tree': 'a árvore de dispositivos',
  'app.region.details': 'o painel de detalhes',
  'app.region.alerts': 'os alertas',
  'app.region.wizard': 'o assistente de ligação',
  'app.crash.title': 'Algo correu mal: {what}',
  'app.crash.details': 'Detalhes técnicos',
  'app.crash.componentStack': 'Pilha de componentes:',
  'app.crash.retry': 'Tentar novamente',

  'app.header.settings': 'Definições…',
  'app.header.audit': 'Auditoria…',
  'app.header.exportCsv': 'Exportar CSV…',
  'app.header.connect': 'Ligar…',
  'app.header.connectTitle': 'Ligar a um broker (o assistente de ligação)',

  // As short as the English: the header has no room to spare at 1366 px.
  'app.access.noPin': 'Sem PIN de gestor: todos podem ligar e desligar.',
  'app.access.setPin': 'Definir PIN…',
  'app.access.manager': 'Gestor',
  'app.access.managerUntil': 'Gestor até às {time}',
  'app.access.desk': 'Receção',
  'app.access.changePin': 'PIN…',
  'app.access.lock': 'Bloquear',
  'app.access.unlock': 'Desbloquear…',

  'app.connection.status.disconnected': 'desligado',
  'app.connection.status.connecting': 'a ligar',
  'app.connection.status.connected': 'ligado',
  'app.connection.status.reconnecting': 'a restabelecer a ligação',
  'app.connection.status.error': 'erro',
  'app.connection.status.unreachable': 'inacessível',
  'app.connection.status.unknown': 'desconhecido',
  'app.connection.brokerUnreachable': 'broker inacessível',
  'app.connection.serviceDown': 'O serviço Kilowatch não está acessível; a tentar novamente',
  'app.connection.demo': 'demo',
  'app.connection.tlsUnverified': 'TLS não verificado',
  'app.connection.retryIn': 'nova tentativa dentro de {seconds} s',
  'app.connection.retryNow': 'a tentar novamente…',
  'app.connection.reconnectNow': 'Voltar a ligar agora',
  'app.connection.reconnecting': 'A voltar a ligar…',
  'app.connection.dropped': {
    one: '{count} mensagem inválida descartada',
    other: '{count} mensagens inválidas descartadas',
  },

  'app.company.title': '{name}: selecione para ver os detalhes',
  'app.company.now': 'Agora',
  'app.company.today': 'Hoje',

  'app.diagnostics.export': 'Exportar diagnóstico',
  'app.diagnostics.exporting': 'A exportar…',
  'app.diagnostics.title':
    'Um zip para o suporte: registos, versões, definições sem palavras-passe nem tokens, os últimos alertas',
  'app.diagnostics.saved':
    'Guardado «{fileName}» nas suas transferências: registos e definições, sem palavras-passe.',
  'app.diagnostics.failed': 'Não foi possível exportar o diagnóstico: {message}',
};
