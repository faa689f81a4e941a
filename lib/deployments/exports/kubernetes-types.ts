// The parts of the Kubernetes API the exports write, typed so a misspelt field fails to compile. The
// tests validate the objects against the Kubernetes schema (kubernetes-models) as well.

export type TObjectMeta = { name?: string; namespace?: string; labels?: Record<string, string> };

export type TEnvVar =
  | { name: string; value: string }
  | { name: string; valueFrom: { secretKeyRef: { name: string; key: string; optional?: boolean } } };

export type TProbeAction =
  | { httpGet: { path: string; port: string | number } }
  | { exec: { command: string[] } };

export type TProbe = TProbeAction & {
  initialDelaySeconds?: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
};

export type TContainer = {
  name: string;
  image: string;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  command: string[];
  args?: string[];
  ports?: { name: string; containerPort: number; protocol: "TCP" }[];
  env: TEnvVar[];
  resources: { limits?: Record<string, number | string>; requests?: Record<string, number | string> };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  startupProbe?: TProbe;
  livenessProbe?: TProbe;
  readinessProbe?: TProbe;
};

export type TVolume =
  | { name: string; emptyDir: { medium?: "Memory"; sizeLimit?: string } }
  | { name: string; persistentVolumeClaim: { claimName: string } }
  | { name: string; hostPath: { path: string; type: "Directory" } };

export type TPodSpec = {
  containers: TContainer[];
  volumes: TVolume[];
  terminationGracePeriodSeconds?: number;
};

export type TPodTemplateSpec = { metadata: TObjectMeta; spec: TPodSpec };

export type TDeployment = {
  apiVersion: "apps/v1";
  kind: "Deployment";
  metadata: TObjectMeta;
  spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: TPodTemplateSpec };
};

export type TService = {
  apiVersion: "v1";
  kind: "Service";
  metadata: TObjectMeta;
  spec: {
    type: "ClusterIP";
    selector: Record<string, string>;
    ports: { name: string; port: number; targetPort: string | number; protocol: "TCP" }[];
  };
};

/** LeaderWorkerSet (sigs.k8s.io/lws): one replica is a leader pod and size - 1 worker pods. */
export type TLeaderWorkerSet = {
  apiVersion: "leaderworkerset.x-k8s.io/v1";
  kind: "LeaderWorkerSet";
  metadata: TObjectMeta;
  spec: {
    replicas: number;
    leaderWorkerTemplate: {
      size: number;
      restartPolicy: "RecreateGroupOnPodRestart" | "None";
      leaderTemplate: TPodTemplateSpec;
      workerTemplate: TPodTemplateSpec;
    };
  };
};

export type TKubernetesObject = TDeployment | TService | TLeaderWorkerSet;
