// What a unit's OA system does with renda, written against the client
// generated from openapi/openapi.json: sign in, list the suggestions it
// handles, and reply to one. `npm run check` fails when the document no
// longer yields a usable client.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type Suggestion = components["schemas"]["SuggestionResponse"];
type Listed = components["schemas"]["ListedSuggestionResponse"];
type Problem = components["schemas"]["Problem"];

export async function replyToFirstAssigned(
  baseUrl: string,
  username: string,
  password: string,
): Promise<Suggestion | Problem | undefined> {
  const client = createClient<paths>({ baseUrl });

  const login = await client.POST("/api/v1/auth/login", {
    body: { username, password },
  });
  if (!login.data) {
    return login.error;
  }
  const headers = { Authorization: `Bearer ${login.data.access_token}` };

  const list = await client.GET("/api/v1/suggestions", {
    params: { query: { status: "assigned", limit: 20 } },
    headers,
  });
  if (!list.data) {
    return list.error;
  }
  // A page holds suggestions (`deleted: false`), and tombstones
  // (`deleted: true`) when deletions are asked for.
  const first = list.data.items.find(
    (item): item is Listed => item.deleted === false,
  );
  if (!first) {
    return undefined;
  }

  const reply = await client.POST("/api/v1/suggestions/{id}/reply", {
    params: { path: { id: first.id } },
    headers,
    body: {
      category: "A",
      content: "已按建议完成整改。",
      handler_name: "赵磊",
      handler_phone: "0527-84351234",
    },
  });
  return reply.data ?? reply.error;
}
