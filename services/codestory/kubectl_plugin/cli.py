"""`kubectl-codestory`: the kubectl plugin (kubectl finds it on PATH as `kubectl codestory`).

kubectl codestory status [-n NAMESPACE] [--release NAME] [--context C] [--kubeconfig F]
kubectl codestory scale POOL N
kubectl codestory resume POOL

Arguments are checked before any connection; without a cluster, or with an API server
that does not answer (within CONNECT_SECONDS to connect, READ_SECONDS to answer, and no
retry), it says so in one line (exit 1). Inside a pod it uses the pod's service account.
Runs on Python 3.9 and later: no syntax or standard library newer than that.
"""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn, Optional

from codestory.kubectl_plugin.plan import (
    PAUSED_REPLICAS,
    POOLS,
    Action,
    ActionKind,
    Manager,
    PlanError,
    PoolFacts,
    check_pool,
    gateway_selector,
    paused_replicas,
    plan_resume,
    plan_scale,
    pool_selector,
    status_table,
)

KEDA = ("keda.sh", "v1alpha1", "scaledobjects")
# Every call is bounded, so an API server that is away or hung is told within 10 s (the
# client's default is no timeout, and three retries of each connection).
CONNECT_SECONDS = 3.0
READ_SECONDS = 5.0
TIMEOUT = (CONNECT_SECONDS, READ_SECONDS)
# Through the API server to the gateway: what it cannot get quickly is shown as "-".
HEALTH_TIMEOUT = (CONNECT_SECONDS, 3.0)
SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"


def in_cluster(kubeconfig: Optional[str], context: Optional[str]) -> bool:
    """Inside a pod, with no kubeconfig asked for or present: the pod's service account."""
    if kubeconfig or context or os.environ.get("KUBECONFIG"):
        return False
    if Path("~/.kube/config").expanduser().exists():
        return False
    return bool(os.environ.get("KUBERNETES_SERVICE_HOST"))


def pod_namespace() -> str:
    try:
        return (Path(SERVICE_ACCOUNT) / "namespace").read_text().strip() or "default"
    except OSError:
        return "default"


def explain(exc: BaseException) -> str:
    """One line for what went wrong talking to the cluster."""
    from kubernetes.client.exceptions import ApiException
    from kubernetes.config.config_exception import ConfigException
    from urllib3.exceptions import HTTPError

    if isinstance(exc, ConfigException):
        return f"no cluster configured ({exc}); set KUBECONFIG or pass --kubeconfig/--context"
    if isinstance(exc, ApiException):
        if exc.status in (401, 403):
            return f"the API server refused the request ({exc.status} {exc.reason})"
        return f"the API server answered {exc.status} {exc.reason}"
    if isinstance(exc, (HTTPError, OSError)):
        from kubernetes import client
        from urllib3.exceptions import MaxRetryError, ReadTimeoutError

        host = client.Configuration.get_default_copy().host
        cause = exc.reason if isinstance(exc, MaxRetryError) and exc.reason else exc
        if isinstance(cause, ReadTimeoutError):
            return f"cannot reach the API server at {host} (no answer in {READ_SECONDS:g} s)"
        return f"cannot reach the API server at {host} ({type(cause).__name__})"
    return f"{type(exc).__name__}: {exc}"


def replica_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of replicas") from None
    if value < 0:
        raise argparse.ArgumentTypeError("replicas must be zero or more")
    return value


class Cluster:
    """The few Kubernetes calls the plugin makes."""

    def __init__(
        self,
        namespace: Optional[str],
        release: str,
        *,
        context: Optional[str] = None,
        kubeconfig: Optional[str] = None,
    ) -> None:
        from kubernetes import client, config

        if in_cluster(kubeconfig, context):
            config.load_incluster_config()
            namespace = namespace or pod_namespace()
        else:
            config.load_kube_config(config_file=kubeconfig, context=context)
            if namespace is None:
                contexts, current = config.list_kube_config_contexts(config_file=kubeconfig)
                chosen = next((c for c in contexts if c["name"] == context), current)
                namespace = chosen["context"].get("namespace", "default")
        self.namespace, self.release = namespace, release
        settings = client.Configuration.get_default_copy()
        settings.retries = 0  # one try: the timeouts above are the whole wait
        client.Configuration.set_default(settings)
        self.apps = client.AppsV1Api()
        self.autoscaling = client.AutoscalingV2Api()
        self.custom = client.CustomObjectsApi()
        self.core = client.CoreV1Api()

    def pool_facts(self, pool: str, health: Optional[dict[str, Any]]) -> PoolFacts:
        deployments = self.apps.list_namespaced_deployment(
            self.namespace,
            label_selector=pool_selector(self.release, pool),
            _request_timeout=TIMEOUT,
        ).items
        if not deployments:
            raise PlanError(
                f"no {pool} worker found for release {self.release!r} in {self.namespace}"
            )
        # The client's models are loosely typed; this layer only reads a few fields.
        deployment: Any = deployments[0]
        name = str(deployment.metadata.name)
        manager, paused = Manager.NONE, None
        listing: Any = self.custom.list_namespaced_custom_object(
            *KEDA[:2],
            self.namespace,
            KEDA[2],
            label_selector=pool_selector(self.release, pool),
            _request_timeout=TIMEOUT,
        )
        scaled = listing["items"]
        if scaled:
            manager, paused = (
                Manager.KEDA,
                paused_replicas(scaled[0]["metadata"].get("annotations")),
            )
        elif any(
            h.spec.scale_target_ref.name == name
            for h in self.autoscaling.list_namespaced_horizontal_pod_autoscaler(
                self.namespace, _request_timeout=TIMEOUT
            ).items
        ):
            manager = Manager.HPA
        queue = POOLS[pool]
        row = (health or {}).get("queues", {}).get(queue) or {}
        return PoolFacts(
            pool=pool,
            deployment=name,
            desired=deployment.spec.replicas or 0,
            ready=deployment.status.ready_replicas or 0,
            manager=manager,
            paused_at=paused,
            queue_depth=row.get("waiting"),
            in_flight=row.get("running"),
            consumers=row.get("consumers"),
        )

    def gateway_service(self) -> Optional[str]:
        """The gateway Service's name; the first call of `status`, so an API server that
        cannot be reached ends the command here (only "-" is shown for a missing gateway)."""
        from kubernetes.client.exceptions import ApiException

        try:
            services: Any = self.core.list_namespaced_service(
                self.namespace,
                label_selector=gateway_selector(self.release),
                _request_timeout=TIMEOUT,
            )
        except ApiException:
            return None
        return str(services.items[0].metadata.name) if services.items else None

    def gateway_health(self, service: Optional[str], path: str) -> Optional[dict[str, Any]]:
        """A gateway health report (`health`, `health/celery`) through the API server's
        service proxy; a 503 still carries its report (which queue lacks a consumer)."""
        from kubernetes.client.exceptions import ApiException

        if service is None:
            return None
        try:
            raw: Any = self.core.connect_get_namespaced_service_proxy_with_path(
                f"{service}:http", self.namespace, path=path, _request_timeout=HEALTH_TIMEOUT
            )
        except ApiException as exc:
            raw = exc.body if exc.status == 503 else None
        except Exception:  # the table shows "-" for what it cannot reach
            return None
        try:
            report = json.loads(raw) if isinstance(raw, (str, bytes)) else None
        except ValueError:
            return None
        return report if isinstance(report, dict) else None

    def apply(self, action: Action) -> None:
        if action.kind is ActionKind.SCALE:
            self.apps.patch_namespaced_deployment_scale(
                action.target,
                self.namespace,
                {"spec": {"replicas": action.replicas}},
                _request_timeout=TIMEOUT,
            )
        elif action.kind in (ActionKind.PAUSE_KEDA, ActionKind.UNPAUSE_KEDA):
            value = str(action.replicas) if action.kind is ActionKind.PAUSE_KEDA else None
            self.custom.patch_namespaced_custom_object(
                *KEDA[:2],
                self.namespace,
                KEDA[2],
                action.target,
                {"metadata": {"annotations": {PAUSED_REPLICAS: value}}},
                _request_timeout=TIMEOUT,
            )


class OneLineParser(argparse.ArgumentParser):
    """Bad usage: exit 2 with one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def connection_options(*, in_subcommand: bool) -> "OneLineParser":
    """Where to find the release; accepted before or after the subcommand, as kubectl's own
    flags are (after it, a flag given before is not reset to its default)."""

    def default(value: Optional[str]) -> Optional[str]:
        return argparse.SUPPRESS if in_subcommand else value

    options = OneLineParser(add_help=False)
    options.add_argument(
        "-n",
        "--namespace",
        default=default(None),
        help="the release's namespace (default: the context's; in a pod, the pod's)",
    )
    options.add_argument(
        "--release", default=default("codestory"), help="Helm release name (default: codestory)"
    )
    options.add_argument("--context", default=default(None), help="kubeconfig context to use")
    options.add_argument("--kubeconfig", default=default(None), help="kubeconfig file to use")
    return options


POOL_HELP = f"worker pool: {', '.join(POOLS)} (queues {', '.join(POOLS.values())})"
COMMANDS = {
    "status": (
        "queues, in-flight work, replicas and autoscaling per pool",
        "Per worker pool: messages waiting, tasks in flight, live consumers, ready and "
        "desired replicas, and what scales it (KEDA, paused or not, an HPA, or nothing); "
        "then the dead-letter count, and any queue with no live consumer.",
    ),
    "scale": (
        "set a pool's replicas (pauses KEDA at that count)",
        "Set a pool's replicas so its autoscaler keeps them: under KEDA, its "
        "paused-replicas annotation holds the count until `resume`; a pool without an "
        "autoscaler is scaled directly; a pool under an HPA is refused (change its "
        "minReplicas/maxReplicas instead).",
    ),
    "resume": (
        "hand a pool back to KEDA",
        "Remove KEDA's paused-replicas annotation that `scale` set: KEDA scales the pool "
        "on its queue again.",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="kubectl codestory",
        description="codestory's worker pools: their status, and scaling that KEDA keeps.",
        parents=[connection_options(in_subcommand=False)],
        epilog="`kubectl codestory COMMAND --help` describes each command.",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser
    )
    made = {}
    for name, (summary, description) in COMMANDS.items():
        made[name] = commands.add_parser(
            name,
            help=summary,
            description=description,
            parents=[connection_options(in_subcommand=True)],
        )
    made["scale"].add_argument("pool", choices=sorted(POOLS), help=POOL_HELP)
    made["scale"].add_argument("replicas", type=replica_count, help="replicas to run, 0 or more")
    made["resume"].add_argument("pool", choices=sorted(POOLS), help=POOL_HELP)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)  # bad arguments end here, before any connection
    try:
        cluster = Cluster(
            args.namespace, args.release, context=args.context, kubeconfig=args.kubeconfig
        )
        if args.command == "status":
            gateway = cluster.gateway_service()
            celery = cluster.gateway_health(gateway, "health/celery")
            pools = [cluster.pool_facts(pool, celery) for pool in POOLS]
            health = cluster.gateway_health(gateway, "health") or {}
            print(status_table(pools, health.get("dlq")))
            missing = (celery or {}).get("queues_without_consumer") or []
            if missing:
                print(f"No live consumer: {', '.join(missing)}")
            return 0
        facts = cluster.pool_facts(check_pool(args.pool), None)
        action = plan_scale(facts, args.replicas) if args.command == "scale" else plan_resume(facts)
        cluster.apply(action)
        print(action.message)
        return 0
    except PlanError as exc:
        print(f"kubectl codestory: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"kubectl codestory: {explain(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
