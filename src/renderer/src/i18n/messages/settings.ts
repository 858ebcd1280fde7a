/** Words of the settings area (see index.ts). Keys start with "settings.". */
import type { Message } from './message';

export const en = {
  'settings.label.publishPrefix': 'Publish prefix',
  'settings.label.publishIntervalS': 'Publish interval',
  'settings.label.minuteDays': 'Minute retention',
  'settings.label.timeZone': 'Site time zone',
  'settings.label.language': 'Language',
  'settings.label.publishProfiles': 'Publish profiles',
  'settings.hint.publishProfiles':
    'Besides its own topics, the console can publish the totals as the two Coreflux examples do, so dashboards built on them keep working.',
  'settings.profile.kilowatch': 'Kilowatch (<prefix>/…/energy)',
  'settings.profile.corefluxCsharp': 'Coreflux C# (…/status/EnergyConsumed, every 10 s)',
  'settings.profile.corefluxPython': 'Coreflux Python (…/aggregated/energy, every 15 s)',
  'settings.source.file': 'Set in {where}',
  'settings.source.flag': 'Set by {where}',
  'settings.source.someFlag': 'a command-line flag',
  'settings.source.console': 'changed here',
  'settings.source.default': 'default',
  'settings.problem.interval': 'The publish interval is a whole number of seconds from 1 to 3600.',
  'settings.problem.minuteDays': 'Minute retention is a whole number of days from 1 to 3660.',
  'settings.problem.notValid': 'not valid',

  'settings.reading': 'Reading the settings…',
  'settings.savedRebuilt': 'Saved and in force; the history was rebuilt for the new zone.',
  'settings.saved': 'Saved and in force.',
  'settings.console': 'Console settings',
  'settings.hint.publishPrefix':
    'Totals are published under this MQTT topic prefix; the console reconnects to publish there.',
  'settings.seconds': 'seconds',
  'settings.hint.minuteDays':
    'Minute detail older than this is dropped within the hour; hourly and longer history is kept.',
  'settings.days': 'days',
  'settings.hint.timeZone': "Changing it rebuilds the history's days and months for the new zone.",
  'settings.hint.language':
    "The console's words are in English or Portuguese (other languages keep English words); numbers, dates and times follow the chosen language:",
  'settings.language.system': 'As each computer is set',
  'settings.save': 'Save',
  'settings.saving': 'Saving…',
  'settings.rebuildingZone': 'Rebuilding the history for the new zone (progress under Data)…',
  'settings.desk':
    'Only a manager may change these. Unlock with the manager PIN (Unlock… at the top) to change them.',

  'settings.rebuild.phase.reading': 'Reading the kept minutes',
  'settings.rebuild.phase.writing': 'Writing hours, days, weeks and months',
  'settings.rebuild.phase.done': 'History rebuilt',
  'settings.rebuild.phase.failed': 'The rebuild stopped',
  'settings.rebuild.noneDiffered': 'none differed',
  // {n} is {count} written the chosen language's way.
  'settings.rebuild.differed': {
    one: '{n} differed and was rewritten',
    other: '{n} differed and were rewritten',
  },
  'settings.rebuild.report': 'Rebuilt {buckets} buckets from {minutes} minutes; {rewritten}.',
  'settings.rebuild.count': '{phase}: {done} of {total} minutes',
  'settings.rebuild.progressLabel': 'Rebuilding history',
  'settings.rebuild.confirmLabel': 'Rebuild history?',
  'settings.rebuild.confirm':
    'Rebuild history? Hour, day, week and month figures are recomputed from the kept minutes; the console pauses counting while it runs.',
  'settings.rebuild.cancel': 'Cancel',
  'settings.rebuild.run': 'Rebuild',
  'settings.rebuild.running': 'Rebuilding…',
  'settings.rebuild.open': 'Rebuild history…',
} as const;

export const pt: Record<keyof typeof en, Message> = {
  'settings.label.publishPrefix': 'Prefixo de publicação',
  'settings.label.publishIntervalS': 'Intervalo de publicação',
  'settings.label.minuteDays': 'Retenção dos minutos',
  'settings.label.timeZone': 'Fuso horário da instalação',
  'settings.label.language': 'Idioma',
  'settings.label.publishProfiles': 'Perfis de publicação',
  'settings.hint.publishProfiles':
    'Além dos seus próprios tópicos, a consola pode publicar os totais como os dois exemplos Coreflux, para que os painéis feitos sobre eles continuem a funcionar.',
  'settings.profile.kilowatch': 'Kilowatch (<prefix>/…/energy)',
  'settings.profile.corefluxCsharp': 'Coreflux C# (…/status/EnergyConsumed, a cada 10 s)',
  'settings.profile.corefluxPython': 'Coreflux Python (…/aggregated/energy, a cada 15 s)',
  'settings.source.file': 'Definido em {where}',
  'settings.source.flag': 'Definido por {where}',
  'settings.source.someFlag': 'uma opção da linha de comandos',
  'settings.source.console': 'alterado aqui',
  'settings.source.default': 'predefinido',
  'settings.problem.interval': 'O intervalo de publicação é um número inteiro de segundos de 1 a 3600.',
  'settings.problem.minuteDays': 'A retenção dos minutos é um número inteiro de dias de 1 a 3660.',
  'settings.problem.notValid': 'não é válido',

  'settings.reading': 'A ler as definições…',
  'settings.savedRebuilt': 'Guardado e em vigor; o histórico foi reconstruído para o novo fuso horário.',
  'settings.saved': 'Guardado e em vigor.',
  'settings.console': 'Definições da consola',
  'settings.hint.publishPrefix':
    'Os totais são publicados sob este prefixo de tópico MQTT; a consola volta a ligar-se para publicar aí.',
  'settings.seconds': 'segundos',
  'settings.hint.minuteDays':
    'O detalhe ao minuto mais antigo do que isto é apagado dentro de uma hora; o histórico por hora e mais longo é mantido.',
  'settings.days': 'dias',
  'settings.hint.timeZone': 'Alterá-lo reconstrói os dias e os meses do histórico para o novo fuso horário.',
  'settings.hint.language':
    'As palavras da consola estão em inglês ou em português (as outras línguas ficam com as palavras em inglês); os números, as datas e as horas seguem a língua escolhida:',
  'settings.language.system': 'Conforme cada computador',
  'settings.save': 'Guardar',
  'settings.saving': 'A guardar…',
  'settings.rebuildingZone': 'A reconstruir o histórico para o novo fuso horário (progresso em Dados)…',
  'settings.desk':
    'Só um gestor pode alterar isto. Desbloqueie com o PIN de gestor (Desbloquear… no topo) para o alterar.',

  'settings.rebuild.phase.reading': 'A ler os minutos guardados',
  'settings.rebuild.phase.writing': 'A escrever as horas, os dias, as semanas e os meses',
  'settings.rebuild.phase.done': 'Histórico reconstruído',
  'settings.rebuild.phase.failed': 'A reconstrução parou',
  'settings.rebuild.noneDiffered': 'nenhum era diferente',
  'settings.rebuild.differed': {
    one: '{n} era diferente e foi reescrito',
    other: '{n} eram diferentes e foram reescritos',
  },
  'settings.rebuild.report': 'Reconstruídos {buckets} intervalos a partir de {minutes} minutos; {rewritten}.',
  'settings.rebuild.count': '{phase}: {done} de {total} minutos',
  'settings.rebuild.progressLabel': 'A reconstruir o histórico',
  'settings.rebuild.confirmLabel': 'Reconstruir o histórico?',
  'settings.rebuild.confirm':
    'Reconstruir o histórico? Os valores por hora, dia, semana e mês são recalculados a partir dos minutos guardados; a consola faz uma pausa na contagem enquanto decorre.',
  'settings.rebuild.cancel': 'Cancelar',
  'settings.rebuild.run': 'Reconstruir',
  'settings.rebuild.running': 'A reconstruir…',
  'settings.rebuild.open': 'Reconstruir o histórico…',
};
