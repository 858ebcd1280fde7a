/** Words of the "Add a Shelly" dialog (see index.ts). Keys start with "commission.". */
import type { Message } from './message';

export const en = {
  'commission.open': 'Add a Shelly…',
  'commission.openTitle': 'Put a Shelly from the local network on the broker, in a room',
  'commission.desk':
    'Only a manager may add a device. Unlock with the manager PIN (Unlock… at the top) to add one.',
  'commission.title': 'Add a Shelly',
  'commission.steps': 'Steps',
  'commission.step.find': 'Find',
  'commission.step.identify': 'Identify',
  'commission.step.place': 'Place',
  'commission.step.confirm': 'Confirm',
  'commission.back': 'Back',
  'commission.next': 'Continue',
  'commission.reading': 'Reading…',
  // The tree's own name for that place (the core's), kept as it is in every language.
  'commission.unassigned': 'Unassigned',

  'commission.find.address': 'Device address',
  'commission.find.addressHint':
    'Its IP address or host name on the local network, with :port when not 80 (shown in the Shelly app under Device information).',
  'commission.find.address.empty': 'Enter the device’s address.',
  'commission.find.address.form': 'Enter an IP address or host name, e.g. 192.168.1.20 or plug.local:8080.',
  'commission.find.read': 'Read device',
  'commission.find.scanLegend': 'Or look for Shellys on the local network',
  'commission.find.network': 'Network',
  'commission.find.network.empty': 'Enter the network to look in, e.g. 192.168.1.0/24.',
  'commission.find.network.form':
    'Enter a network such as 192.168.1.0/24 (from /22, 1,022 addresses, to /32).',
  'commission.find.port': 'Port',
  'commission.find.port.form': 'A port from 1 to 65535.',
  'commission.find.scan': 'Scan',
  'commission.find.scanning': 'Scanning…',
  'commission.find.scanningHosts': {
    one: 'Asking {count} address; a scan can take several seconds.',
    other: 'Asking {count} addresses; a scan can take several seconds.',
  },
  'commission.find.scanned': {
    one: '{count} address asked; Shellys that answered: {found}.',
    other: '{count} addresses asked; Shellys that answered: {found}.',
  },
  'commission.find.foundLabel': 'Shellys that answered',
  'commission.find.protected': 'password protected',
  'commission.find.known': 'already on this console, in {place}',

  'commission.identify.model': 'Model',
  'commission.identify.name': 'Name',
  'commission.identify.generation': 'Generation',
  'commission.identify.gen': 'Gen {generation}',
  'commission.identify.firmware': 'Firmware',
  'commission.identify.id': 'Device id',
  'commission.identify.mac': 'MAC',
  'commission.identify.address': 'Address',
  'commission.identify.mqtt': 'MQTT now',
  'commission.identify.unknown': 'not given',
  'commission.identify.noUser': 'no user',
  'commission.identify.mqttLocked': 'Not readable without the device’s password.',
  'commission.identify.mqttOff': 'Off.',
  'commission.identify.mqttOn': 'On: server {server}, {user}, topic prefix {prefix}.',
  'commission.identify.known':
    'This console already has it, in {place}. Going on puts it where you choose next; what it counted so far stays where it was.',
  'commission.identify.loginLegend': 'The device’s password',
  'commission.identify.loginHint':
    'This Shelly is protected. Enter the password set in the Shelly app under Settings › Authentication (the user is always admin).',
  'commission.identify.loginHintGen1':
    'This Shelly is protected. Enter the user name and password set in the Shelly app under Settings › Restrict login.',
  'commission.identify.username': 'User name',
  'commission.identify.password': 'Password',
  'commission.identify.passwordEmpty': 'Enter the device’s password.',
  'commission.identify.passwordKept': 'The password you entered is used again to change its settings.',
  'commission.identify.readAgain': 'Read with the password',

  'commission.place.legend': 'Where it goes',
  'commission.place.company': 'Company',
  'commission.place.office': 'Office',
  'commission.place.room': 'Room',
  'commission.place.newRoom': 'A new room: it appears in the tree when the device arrives.',
  'commission.place.name': 'Device name',
  'commission.place.prefix': 'It will publish under',
  'commission.place.prefixGen1':
    'A Gen1 device publishes under its own id; the console files it in this room:',
  'commission.place.brokerLegend': 'How it reaches the broker',
  'commission.place.server': 'MQTT server',
  'commission.place.serverHint':
    'host:port as the device reaches the broker on its network (1883 is assumed without a port; 8883 with TLS). It may differ from the address this console uses.',
  'commission.place.server.empty':
    'Enter the broker’s address as the device reaches it, e.g. 192.168.1.5:1883.',
  'commission.place.server.form': 'Enter host:port, e.g. 192.168.1.5:1883 (no mqtt://, no path).',
  'commission.place.mqttUser': 'Its broker user (optional)',
  'commission.place.mqttPassword': 'Its broker password (optional)',
  'commission.place.tls': 'Encryption (TLS)',
  'commission.place.tlsGen1': 'Gen1 devices speak plain MQTT only.',
  'commission.place.tlsUserCa':
    'The device must already hold the broker’s CA certificate (uploaded in its web page under Settings › TLS).',
  'commission.tls.none': 'None (plain MQTT)',
  'commission.tls.built-in-ca': 'TLS, checked against the device’s built-in CAs',
  'commission.tls.user-ca': 'TLS, checked against a CA uploaded to the device',

  'commission.confirm.intro': 'On {device} at {address}, the console will:',
  'commission.confirm.server': 'turn MQTT on, with the server {server}, {tls},',
  'commission.confirm.tls.none': 'unencrypted',
  'commission.confirm.tls.built-in-ca': 'over TLS checked against its built-in CAs',
  'commission.confirm.tls.user-ca': 'over TLS checked against the CA uploaded to it',
  'commission.confirm.user': 'as the user {user};',
  'commission.confirm.noUser': 'without a user;',
  'commission.confirm.prefix': 'set its topic prefix to {prefix};',
  'commission.confirm.place': 'name it {name} in {place};',
  'commission.confirm.placeGen1': '(filed there by the console);',
  'commission.confirm.replaces': 'replace its current MQTT server, {server};',
  'commission.confirm.restart':
    'restart it so the settings take effect: it is off the network for a few seconds.',
  'commission.confirm.submit': 'Set up and restart',
  'commission.confirm.sending': 'Setting up…',
  'commission.sent': '{device} was told to publish under {prefix} on {server}, and to restart.',

  'commission.waiting': 'Waiting for {name} to appear in {room}…',
  'commission.waitingLabel': 'Waiting for the device',
  'commission.waitingFor': { one: '{count} second so far', other: '{count} seconds so far' },
  'commission.notRestarted':
    'The device did not confirm the restart: switch it off and on (or unplug it) so the settings take effect.',
  'commission.arrived': '{name} is in {place}.',
  'commission.showInTree': 'Show in the tree',
  'commission.late':
    '{name} has not been heard from in {seconds} s. Its settings were changed, but it has not reached the broker yet. Check:',
  'commission.late.server':
    'that {server} is how the device reaches the broker from its own network (not 127.0.0.1 or localhost, which are the device itself);',
  'commission.late.network': 'that the device is powered and on the Wi-Fi or network it had;',
  'commission.late.credentials':
    'that the broker accepts its user and password, if it asks for one. This dialog keeps watching: it says so if the device arrives.',
} satisfies Record<string, Message>;

export const pt: Record<keyof typeof en, Message> = {
  'commission.open': 'Adicionar Shelly…',
  'commission.openTitle': 'Pôr um Shelly da rede local no broker, numa divisão',
  'commission.desk':
    'Só um gestor pode adicionar um dispositivo. Desbloqueie com o PIN de gestor (Desbloquear… no topo) para o adicionar.',
  'commission.title': 'Adicionar um Shelly',
  'commission.steps': 'Passos',
  'commission.step.find': 'Encontrar',
  'commission.step.identify': 'Identificar',
  'commission.step.place': 'Colocar',
  'commission.step.confirm': 'Confirmar',
  'commission.back': 'Anterior',
  'commission.next': 'Continuar',
  'commission.reading': 'A ler…',
  'commission.unassigned': 'Unassigned',

  'commission.find.address': 'Endereço do dispositivo',
  'commission.find.addressHint':
    'O endereço IP ou nome na rede local, com :porta quando não é 80 (na app Shelly, em Informação do dispositivo).',
  'commission.find.address.empty': 'Indique o endereço do dispositivo.',
  'commission.find.address.form': 'Indique um endereço IP ou nome, p. ex. 192.168.1.20 ou plug.local:8080.',
  'commission.find.read': 'Ler dispositivo',
  'commission.find.scanLegend': 'Ou procure Shellys na rede local',
  'commission.find.network': 'Rede',
  'commission.find.network.empty': 'Indique a rede onde procurar, p. ex. 192.168.1.0/24.',
  'commission.find.network.form': 'Indique uma rede como 192.168.1.0/24 (de /22, 1022 endereços, a /32).',
  'commission.find.port': 'Porta',
  'commission.find.port.form': 'Uma porta de 1 a 65535.',
  'commission.find.scan': 'Procurar',
  'commission.find.scanning': 'A procurar…',
  'commission.find.scanningHosts': {
    one: 'A perguntar a {count} endereço; a procura pode demorar alguns segundos.',
    other: 'A perguntar a {count} endereços; a procura pode demorar alguns segundos.',
  },
  'commission.find.scanned': {
    one: '{count} endereço consultado; Shellys que responderam: {found}.',
    other: '{count} endereços consultados; Shellys que responderam: {found}.',
  },
  'commission.find.foundLabel': 'Shellys que responderam',
  'commission.find.protected': 'protegido por palavra-passe',
  'commission.find.known': 'já está nesta consola, em {place}',

  'commission.identify.model': 'Modelo',
  'commission.identify.name': 'Nome',
  'commission.identify.generation': 'Geração',
  'commission.identify.gen': 'Gen {generation}',
  'commission.identify.firmware': 'Firmware',
  'commission.identify.id': 'Identificador',
  'commission.identify.mac': 'MAC',
  'commission.identify.address': 'Endereço',
  'commission.identify.mqtt': 'MQTT agora',
  'commission.identify.unknown': 'não indicado',
  'commission.identify.noUser': 'sem utilizador',
  'commission.identify.mqttLocked': 'Não se pode ler sem a palavra-passe do dispositivo.',
  'commission.identify.mqttOff': 'Desligado.',
  'commission.identify.mqttOn': 'Ligado: servidor {server}, {user}, prefixo de tópico {prefix}.',
  'commission.identify.known':
    'Esta consola já o tem, em {place}. Se continuar, passa para o lugar que escolher a seguir; o que contou até agora fica onde estava.',
  'commission.identify.loginLegend': 'A palavra-passe do dispositivo',
  'commission.identify.loginHint':
    'Este Shelly está protegido. Indique a palavra-passe definida na app Shelly em Definições › Autenticação (o utilizador é sempre admin).',
  'commission.identify.loginHintGen1':
    'Este Shelly está protegido. Indique o nome de utilizador e a palavra-passe definidos na app Shelly em Definições › Restringir acesso.',
  'commission.identify.username': 'Nome de utilizador',
  'commission.identify.password': 'Palavra-passe',
  'commission.identify.passwordEmpty': 'Indique a palavra-passe do dispositivo.',
  'commission.identify.passwordKept': 'A palavra-passe indicada volta a ser usada para mudar as definições.',
  'commission.identify.readAgain': 'Ler com a palavra-passe',

  'commission.place.legend': 'Para onde vai',
  'commission.place.company': 'Empresa',
  'commission.place.office': 'Escritório',
  'commission.place.room': 'Divisão',
  'commission.place.newRoom': 'Uma divisão nova: aparece na árvore quando o dispositivo chegar.',
  'commission.place.name': 'Nome do dispositivo',
  'commission.place.prefix': 'Vai publicar em',
  'commission.place.prefixGen1':
    'Um dispositivo Gen1 publica com o seu próprio identificador; a consola arquiva-o nesta divisão:',
  'commission.place.brokerLegend': 'Como chega ao broker',
  'commission.place.server': 'Servidor MQTT',
  'commission.place.serverHint':
    'anfitrião:porta tal como o dispositivo chega ao broker na sua rede (sem porta assume-se 1883; 8883 com TLS). Pode ser diferente do endereço que esta consola usa.',
  'commission.place.server.empty':
    'Indique o endereço do broker tal como o dispositivo o alcança, p. ex. 192.168.1.5:1883.',
  'commission.place.server.form':
    'Indique anfitrião:porta, p. ex. 192.168.1.5:1883 (sem mqtt://, sem caminho).',
  'commission.place.mqttUser': 'Utilizador no broker (opcional)',
  'commission.place.mqttPassword': 'Palavra-passe no broker (opcional)',
  'commission.place.tls': 'Cifra (TLS)',
  'commission.place.tlsGen1': 'Os dispositivos Gen1 só falam MQTT simples.',
  'commission.place.tlsUserCa':
    'O dispositivo já tem de ter o certificado da CA do broker (carregado na sua página web em Definições › TLS).',
  'commission.tls.none': 'Nenhuma (MQTT simples)',
  'commission.tls.built-in-ca': 'TLS, verificado com as CA incluídas no dispositivo',
  'commission.tls.user-ca': 'TLS, verificado com uma CA carregada no dispositivo',

  'commission.confirm.intro': 'Em {device}, no endereço {address}, a consola vai:',
  'commission.confirm.server': 'ligar o MQTT, com o servidor {server}, {tls},',
  'commission.confirm.tls.none': 'sem cifra',
  'commission.confirm.tls.built-in-ca': 'com TLS verificado com as CA incluídas nele',
  'commission.confirm.tls.user-ca': 'com TLS verificado com a CA carregada nele',
  'commission.confirm.user': 'com o utilizador {user};',
  'commission.confirm.noUser': 'sem utilizador;',
  'commission.confirm.prefix': 'definir o prefixo de tópico {prefix};',
  'commission.confirm.place': 'dar-lhe o nome {name} em {place};',
  'commission.confirm.placeGen1': '(arquivado lá pela consola);',
  'commission.confirm.replaces': 'substituir o servidor MQTT atual, {server};',
  'commission.confirm.restart':
    'reiniciá-lo para as definições terem efeito: fica fora da rede durante alguns segundos.',
  'commission.confirm.submit': 'Configurar e reiniciar',
  'commission.confirm.sending': 'A configurar…',
  'commission.sent':
    '{device} recebeu ordem para publicar em {prefix} no servidor {server} e para reiniciar.',

  'commission.waiting': 'À espera de que {name} apareça em {room}…',
  'commission.waitingLabel': 'À espera do dispositivo',
  'commission.waitingFor': { one: '{count} segundo até agora', other: '{count} segundos até agora' },
  'commission.notRestarted':
    'O dispositivo não confirmou o reinício: desligue-o e volte a ligá-lo (ou tire-o da tomada) para as definições terem efeito.',
  'commission.arrived': '{name} está em {place}.',
  'commission.showInTree': 'Mostrar na árvore',
  'commission.late':
    'Não há notícias de {name} há {seconds} s. As definições foram mudadas, mas ainda não chegou ao broker. Verifique:',
  'commission.late.server':
    'que {server} é o endereço com que o dispositivo chega ao broker a partir da sua rede (não 127.0.0.1 nem localhost, que são o próprio dispositivo);',
  'commission.late.network': 'que o dispositivo está ligado e na rede Wi-Fi ou cabo que tinha;',
  'commission.late.credentials':
    'que o broker aceita o seu utilizador e palavra-passe, se os pedir. Esta janela continua atenta: avisa se o dispositivo chegar.',
};
