//! Generator throughput in wire events per second (goal: 5 M/s on one core), for the
//! default config with long generations, with and without the oracle's listing.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use trace_harness::gen::{generate_with_oracle, Config, Features};
use trace_harness::Version;

fn generator(c: &mut Criterion) {
    let mut group = c.benchmark_group("gen");
    for (name, features) in [
        ("all-features", Features::ALL),
        ("scheduling", Features::NONE),
    ] {
        let config = Config {
            version: Version::Go126,
            generations: 4,
            steps_per_generation: 20_000,
            features,
            ..Config::default()
        };
        let events = generate_with_oracle(&config, 1).events;
        group.throughput(Throughput::Elements(events));
        group.bench_function(format!("{name}/bytes"), |b| {
            b.iter(|| trace_harness::gen::generate(&config, 1).len())
        });
        group.bench_function(format!("{name}/bytes+oracle"), |b| {
            b.iter(|| generate_with_oracle(&config, 1).listing.len())
        });
    }
    group.finish();
}

criterion_group!(benches, generator);
criterion_main!(benches);
