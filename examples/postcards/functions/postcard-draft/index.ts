// postcard-draft: saves a draft postcard for the signed-in user.
//
// POST { "recipient_name", "recipient_address", "message", "image_path"? } with the
// user's JWT. Runs as the caller, so the insert policy (owner only, status draft) applies.
import { createClient } from "npm:@supabase/supabase-js@2";

const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type",
};

interface Draft {
  recipient_name: string;
  recipient_address: string;
  message: string;
  image_path?: string | null;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

function validate(input: Partial<Draft>): string | null {
  if (!input.recipient_name?.trim()) return "recipient_name is required";
  if (!input.recipient_address?.trim()) return "recipient_address is required";
  if (!input.message?.trim()) return "message is required";
  if (input.message.length > 2000) return "message is longer than 2000 characters";
  return null;
}

Deno.serve(async (req: Request) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }
  if (req.method !== "POST") {
    return json({ error: "method not allowed" }, 405);
  }

  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } } },
  );
  const { data: { user } } = await supabase.auth.getUser();
  if (!user) {
    return json({ error: "sign in first" }, 401);
  }

  let draft: Partial<Draft>;
  try {
    draft = await req.json();
  } catch {
    return json({ error: "expected a JSON body" }, 400);
  }
  const problem = validate(draft);
  if (problem) {
    return json({ error: problem }, 422);
  }

  const { data, error } = await supabase
    .from("postcards")
    .insert({
      owner_id: user.id,
      recipient_name: draft.recipient_name,
      recipient_address: draft.recipient_address,
      message: draft.message,
      image_path: draft.image_path ?? null,
    })
    .select("id, status, created_at")
    .single();
  if (error) {
    return json({ error: error.message }, 400);
  }
  return json(data, 201);
});
