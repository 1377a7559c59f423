/**
 * The Kubernetes namespace of an execution (flyteadmin `GetNamespaceName`): the template with every
 * `{{ project }}` and `{{ domain }}` replaced (exactly these spellings, as flyteadmin).
 */
export function namespaceFor(template: string, project: string, domain: string): string {
  return template.replaceAll("{{ project }}", project).replaceAll("{{ domain }}", domain);
}
