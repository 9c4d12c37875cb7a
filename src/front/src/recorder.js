// Recording: the microphone through an audio worklet, resampled to 16 kHz PCM, streamed to Amazon
// Transcribe streaming (es-ES) with temporary credentials from the Cognito identity pool (whose role
// allows only StartStreamTranscription). The SDK is loaded only when recording starts.

import { downsample, readTranscriptEvent, toPcm16 } from "./audio.js";

/** A queue the SDK reads audio events from, ended by stop(). */
class AudioQueue {
  constructor() {
    this.chunks = [];
    this.waiting = null;
    this.ended = false;
  }

  push(chunk) {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve(chunk);
    } else {
      this.chunks.push(chunk);
    }
  }

  end() {
    this.ended = true;
    if (this.waiting) this.waiting(null);
  }

  async *events() {
    for (;;) {
      const chunk = this.chunks.length ? this.chunks.shift() : this.ended ? null : await new Promise((resolve) => (this.waiting = resolve));
      if (chunk === null) return;
      yield { AudioEvent: { AudioChunk: chunk } };
    }
  }
}

export class Recorder {
  /**
   * @param {object} config config.json
   * @param {() => Promise<string>} idToken
   * @param {{onPartial: (text: string) => void, onFinal: (text: string) => void, onError: (error: Error) => void}} handlers
   */
  constructor(config, idToken, handlers) {
    this.config = config;
    this.idToken = idToken;
    this.handlers = handlers;
    this.queue = null;
    this.stream = null;
    this.context = null;
  }

  get recording() {
    return this.queue !== null;
  }

  async start() {
    if (this.recording) return;
    const { config } = this;
    const [{ TranscribeStreamingClient, StartStreamTranscriptionCommand }, { fromCognitoIdentityPool }, { CognitoIdentityClient }] =
      await Promise.all([
        import("@aws-sdk/client-transcribe-streaming"),
        import("@aws-sdk/credential-provider-cognito-identity"),
        import("@aws-sdk/client-cognito-identity"),
      ]);
    const idToken = await this.idToken();
    const credentials = fromCognitoIdentityPool({
      client: new CognitoIdentityClient({ region: config.region, ...(config.cognitoEndpoint ? { endpoint: config.cognitoEndpoint } : {}) }),
      identityPoolId: config.identityPoolId,
      logins: { [`cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`]: idToken },
    });
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
    });
    this.context = new AudioContext();
    await this.context.audioWorklet.addModule("/pcm-worklet.js");
    const source = this.context.createMediaStreamSource(this.stream);
    const capture = new AudioWorkletNode(this.context, "pcm-capture");
    const queue = new AudioQueue();
    const rate = this.context.sampleRate;
    capture.port.onmessage = (message) => queue.push(toPcm16(downsample(message.data, rate)));
    source.connect(capture);
    this.queue = queue;

    const client = new TranscribeStreamingClient({ region: config.transcribeRegion, credentials });
    const command = new StartStreamTranscriptionCommand({
      LanguageCode: "es-ES",
      MediaEncoding: "pcm",
      MediaSampleRateHertz: 16000,
      EnablePartialResultsStabilization: true,
      PartialResultsStability: "medium",
      AudioStream: queue.events(),
    });
    this.#read(client, command).catch((error) => {
      this.#release();
      this.handlers.onError(error);
    });
  }

  async #read(client, command) {
    const response = await client.send(command);
    for await (const event of response.TranscriptResultStream) {
      if (!event.TranscriptEvent) continue;
      const { finals, partial } = readTranscriptEvent(event.TranscriptEvent);
      for (const text of finals) this.handlers.onFinal(text);
      this.handlers.onPartial(partial);
    }
  }

  stop() {
    this.queue?.end();
    this.#release();
  }

  #release() {
    this.queue = null;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.context?.close().catch(() => {});
    this.context = null;
  }
}
