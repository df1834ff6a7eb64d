/**
 * The API clients every controller shares. Requests go through one wrapped HTTP library that
 * (1) waits for a token from the client-side rate limiter (`--qps`, `--burst`) and
 * (2) counts `sluice_api_requests_total{verb,code}`. Per-call cancellation rides on
 * {@link ApiClients.options}, which sets the request's AbortSignal.
 */
import {
  createConfiguration,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  KubernetesObjectApi,
  Observable,
  RequestContext,
  ServerConfiguration,
  wrapHttpLibrary,
  type ApiConstructor,
  type ApiType,
  type Configuration,
  type ConfigurationOptions,
  type KubeConfig,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { Clock } from '../clock/index.js';
import { fromStatus, toApiError } from './errors.js';
import { TokenBucket } from './ratelimit.js';

/** Records one API request: verb (HTTP method, or WATCH) and code (HTTP status or `error`). */
export type RequestObserver = (verb: string, code: string) => void;

/** Options for {@link ApiClients}. */
export interface ApiClientsOptions {
  readonly kubeConfig: KubeConfig;
  readonly clock: Clock;
  /** Sustained requests per second; <= 0 disables limiting. Default 200. */
  readonly qps?: number;
  /** Bucket size. Default 400. */
  readonly burst?: number;
  readonly observe?: RequestObserver;
}

class ObjectApi extends KubernetesObjectApi {
  static build(config: Configuration, kc: KubeConfig): KubernetesObjectApi {
    const api = new ObjectApi(config);
    api.setDefaultNamespace(kc);
    return api;
  }
}

/** Client factory and shared helpers over one configuration. */
export class ApiClients {
  /** The configuration every client shares (wrapped HTTP library, kubeconfig auth). */
  readonly configuration: Configuration;
  /** The generic object client (any kind, including CRDs). */
  readonly objects: KubernetesObjectApi;
  /** The rate limiter shared by all requests, watches included. */
  readonly limiter: TokenBucket;
  readonly kubeConfig: KubeConfig;
  private readonly observe: RequestObserver;
  private readonly server: string;

  constructor(opts: ApiClientsOptions) {
    const cluster = opts.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    this.kubeConfig = opts.kubeConfig;
    this.server = cluster.server.replace(/\/+$/, '');
    this.limiter = new TokenBucket(opts.clock, opts.qps ?? 200, opts.burst ?? 400);
    this.observe = opts.observe ?? (() => undefined);
    const inner = new IsomorphicFetchHttpLibrary();
    const httpApi = wrapHttpLibrary({
      send: async (req: RequestContext): Promise<ResponseContext> => {
        await this.limiter.take(req.getSignal() ?? undefined);
        const verb = req.getHttpMethod().toString();
        try {
          const res = await inner.send(req).toPromise();
          this.observe(verb, String(res.httpStatusCode));
          return res;
        } catch (err) {
          this.observe(verb, 'error');
          throw err;
        }
      },
    });
    this.configuration = createConfiguration({
      baseServer: new ServerConfiguration(this.server, {}),
      authMethods: { default: opts.kubeConfig },
      httpApi,
    });
    this.objects = ObjectApi.build(this.configuration, opts.kubeConfig);
  }

  /** A typed client (`CoreV1Api`, `AppsV1Api`, ...) over the shared configuration. */
  make<T extends ApiType>(apiClass: ApiConstructor<T>): T {
    return new apiClass(this.configuration);
  }

  /** Per-call options that tie the request to `signal`: `api.readX(params, clients.options(signal))`. */
  options(signal?: AbortSignal): ConfigurationOptions {
    if (!signal) return {};
    return {
      middleware: [
        {
          pre: (ctx: RequestContext) => {
            ctx.setSignal(signal);
            return new Observable(Promise.resolve(ctx));
          },
          post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
        },
      ],
      middlewareMergeStrategy: 'append',
    };
  }

  /** Records a request made outside the generated clients (watches). */
  record(verb: string, code: string): void {
    this.observe(verb, code);
  }

  /**
   * GET `path` (with query) and parse JSON, through the same limiter, metrics and auth as the
   * typed clients. Throws typed errors from {@link toApiError}.
   */
  async getJson<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}, signal?: AbortSignal): Promise<T> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), HttpMethod.GET);
    ctx.setHeaderParam('Accept', 'application/json');
    if (signal) ctx.setSignal(signal);
    try {
      await this.kubeConfig.applySecurityAuthentication(ctx);
      const res = await this.configuration.httpApi.send(ctx).toPromise();
      const text = await res.body.text();
      if (res.httpStatusCode >= 400) {
        let status: unknown;
        try {
          status = JSON.parse(text);
        } catch {
          status = undefined;
        }
        throw fromStatus(res.httpStatusCode, status as Parameters<typeof fromStatus>[1]);
      }
      return JSON.parse(text) as T;
    } catch (err) {
      throw toApiError(err);
    }
  }
}
