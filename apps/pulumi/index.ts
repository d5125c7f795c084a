/**
 * `pulumi up` for one model spec. Stack config:
 *   specFile         (required) the spec file; relative paths resolve against the repository root
 *   createNamespace  (optional, default false) also create the spec's namespace
 * The Kubernetes connection is Pulumi's default provider: the ambient kubeconfig, or `kubernetes:context`
 * / `kubernetes:kubeconfig` stack config. Outside this repository, import from 'cdk8s-model-serving/pulumi'.
 */
import * as pulumi from '@pulumi/pulumi';
import { isAbsolute, join } from 'node:path';
import { ModelServingStack } from '../../lib/pulumi';

const config = new pulumi.Config();
const specFile = config.require('specFile');
const repositoryRoot = join(__dirname, '..', '..');

/** Component name `model-serving`: it prefixes every child's name (part of the URNs; keep it stable). */
const stack = new ModelServingStack('model-serving', {
  specFile: isAbsolute(specFile) ? specFile : join(repositoryRoot, specFile),
  createNamespace: config.getBoolean('createNamespace') ?? false,
});

export const serviceName = stack.serviceName;
export const url = stack.url;
export const ingressUrl = stack.ingressUrl;
export const endpoints = stack.endpoints;
export const requiredCrds = stack.requiredCrds;
