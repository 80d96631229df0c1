//! Hot-path costs outside the detectors: the SSE stream filter per event (issue 6), JWT
//! verification and alert rules per request (issue 9).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use jsonwebtoken::{encode, EncodingKey, Header};
use securetag_edge::scan::{RedactionMode, RedactionPolicy, RedactionState, Scanner};
use securetag_edge::shield::guard::OutputGuard;
use securetag_edge::shield::policy::{resolve, RawPolicy};
use securetag_edge::shield::stream::SseFilter;
use serde_json::json;

fn sse_events(n: usize) -> Vec<Vec<u8>> {
    let words = [
        "The", " answer", " is", " that", " you", " should", " rotate", " the", " key", " today.",
    ];
    (0..n)
        .map(|i| {
            let c = json!({"id": "chatcmpl-b", "object": "chat.completion.chunk", "created": 1, "model": "m",
                "choices": [{"index": 0, "delta": {"content": words[i % words.len()]}, "finish_reason": null}]});
            format!("data: {c}\n\n").into_bytes()
        })
        .collect()
}

fn stream_filter(c: &mut Criterion) {
    let scanner = Scanner::builtin().expect("scanner");
    let policy = resolve(
        &RawPolicy {
            is_enabled: true,
            ..RawPolicy::default()
        },
        &mut |_, _| {},
    );
    let placeholders = RedactionPolicy::new(RedactionMode::Placeholder);
    let events = sse_events(1000);
    let bytes: usize = events.iter().map(Vec::len).sum();
    let mut g = c.benchmark_group("sse_filter");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("1000_events_holdback_96", |b| {
        b.iter(|| {
            let mut guard =
                OutputGuard::new(&scanner, &policy, &placeholders, RedactionState::new());
            let mut f = SseFilter::new(&mut guard, 96, 1 << 20);
            let mut out = 0;
            for e in &events {
                out += f.push(e).map(|o| o.len()).unwrap_or(0);
            }
            out + f.finish().len()
        })
    });
    g.finish();
    // One event on a long-running stream: what a single delta costs.
    let mut guard = OutputGuard::new(&scanner, &policy, &placeholders, RedactionState::new());
    let mut f = SseFilter::new(&mut guard, 96, 1 << 20);
    let one = &events[3];
    c.bench_function("sse_filter/one_event", |b| {
        b.iter(|| f.push(one).map(|o| o.len()).unwrap_or(0))
    });
}

fn jwt(c: &mut Criterion) {
    let secret = "bench-secret-0123456789abcdef-0123456";
    let yaml = format!("keys: [{{alg: HS256, secret: \"{secret}\"}}]\naudience: [chat]\n");
    let verifier = securetag_edge::appguard::jwt::JwtVerifier::from_yaml(&yaml).expect("verifier");
    let token = encode(
        &Header::default(),
        &json!({"sub": "u1", "aud": "chat", "exp": chrono::Utc::now().timestamp() + 3600}),
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("token");
    c.bench_function("jwt/verify_hs256", |b| {
        b.iter(|| verifier.verify(&token).is_ok())
    });
}

/// The droplet's three rule families, English and Spanish.
const RULES: &str = r#"
- {name: safety, category: safety, priority: high, keywords: ["brake failure", "brakes failed", "airbag", "fuel leak", "fire", "smoke", "fallan los frenos", "bolsa de aire", "fuga de combustible", "incendio", "humo"]}
- {name: legal, category: legal, keywords: ["accident", "injury", "injured", "lawsuit", "lawyer", "accidente", "lesión", "herido", "demanda", "abogado"]}
- {name: human, category: human, priority: low, keywords: ["speak to a human", "talk to a person", "real person", "hablar con una persona", "hablar con un humano", "agente humano"]}
"#;

fn alerts(c: &mut Criterion) {
    let rules = securetag_edge::alerts::rules::RuleSet::from_yaml(RULES).expect("rules");
    let mut g = c.benchmark_group("alert_rules");
    for (name, text) in [
        ("benign_200b", "Hi, I would like to know the opening hours of the service centre on Saturday and whether I need an appointment for an oil change."),
        ("match_es", "Hola, ayuda por favor: se me fallan los frenos en la autopista y hay olor a gasolina, quiero hablar con una persona."),
    ] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), text, |b, t| b.iter(|| rules.matches(t).len()));
    }
    g.finish();
}

criterion_group!(benches, stream_filter, jwt, alerts);
criterion_main!(benches);
