// Baseline for tests/load/slack-load.sh: the smallest Bolt app that verifies and acks /triage.
// botId/botUserId are set so Bolt never calls auth.test (no network), as Bolt's docs allow.
const { App, LogLevel } = require('@slack/bolt');

const port = Number(process.env.PORT || 5091);
const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  token: 'xoxb-load-test',
  botId: 'B0LOADTEST',
  botUserId: 'U0LOADTEST',
  tokenVerificationEnabled: false,
  logLevel: LogLevel.ERROR,
});

app.command('/triage', async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'ok' });
});

(async () => {
  await app.start({ port, host: '127.0.0.1' });
  console.log(`bolt baseline listening on 127.0.0.1:${port}`);
})();
