// create-payment: starts a Stripe payment for one of the caller's draft postcards.
//
// POST { "postcard_id": "<uuid>" } with the user's JWT. Returns the PaymentIntent's
// client secret; the payment row is written with the service role (payments has no
// insert policy, so clients cannot forge one).
import { createClient } from "npm:@supabase/supabase-js@2";
import { corsHeaders, json } from "./http.ts";

const PRICE_CENTS = 250;

Deno.serve(async (req: Request) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }
  if (req.method !== "POST") {
    return json({ error: "method not allowed" }, 405);
  }

  const stripeKey = Deno.env.get("STRIPE_SECRET_KEY");
  if (!stripeKey) {
    return json({ error: "payments are not configured" }, 500);
  }

  // A client acting as the caller, so RLS decides what they may read.
  const asUser = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } } },
  );
  const { data: { user } } = await asUser.auth.getUser();
  if (!user) {
    return json({ error: "sign in first" }, 401);
  }

  let postcardId: string;
  try {
    ({ postcard_id: postcardId } = await req.json());
  } catch {
    return json({ error: "expected a JSON body with postcard_id" }, 400);
  }

  const { data: postcard, error } = await asUser
    .from("postcards")
    .select("id, status")
    .eq("id", postcardId)
    .single();
  if (error || !postcard) {
    return json({ error: "postcard not found" }, 404);
  }
  if (postcard.status !== "draft") {
    return json({ error: "this postcard is already paid for" }, 409);
  }

  const form = new URLSearchParams({
    amount: String(PRICE_CENTS),
    currency: "usd",
    "metadata[postcard_id]": postcard.id,
    "metadata[user_id]": user.id,
  });
  const stripe = await fetch("https://api.stripe.com/v1/payment_intents", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${stripeKey}`,
      "Content-Type": "application/x-www-form-urlencoded",
      "Idempotency-Key": `postcard-${postcard.id}`,
    },
    body: form,
  });
  const intent = await stripe.json();
  if (!stripe.ok) {
    return json({ error: intent?.error?.message ?? "stripe refused the payment" }, 502);
  }

  const admin = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  );
  const { error: insertError } = await admin.from("payments").upsert({
    postcard_id: postcard.id,
    user_id: user.id,
    amount_cents: PRICE_CENTS,
    currency: "usd",
    stripe_payment_intent_id: intent.id,
    status: "pending",
  }, { onConflict: "stripe_payment_intent_id" });
  if (insertError) {
    return json({ error: "could not record the payment" }, 500);
  }

  return json({ client_secret: intent.client_secret });
});
