use super::specs::parse_specs;
use super::*;

#[test]
fn the_stamp_names_the_compiler_without_the_rounds() {
    let rustc = Some("rustc 1.95.0 (59807616e 2026-04-14)");
    let text = "$ cargo run --release -p gil -- step\n# 2 cores, rustc 1.95.0 (59807616e 2026-04-14), 15 rounds\nout\n";
    assert_eq!(transcript_rustc(text).as_deref(), rustc);
    let old = "$ cargo run --release -p gil -- step  # 2 cores, rustc 1.95.0 (59807616e 2026-04-14)\nout\n";
    assert_eq!(transcript_rustc(old).as_deref(), rustc);
    assert_eq!(transcript_rustc("$ cargo run -p x -- y\nout\n"), None);
}

#[test]
fn specs_parse_with_and_without_options() {
    let specs = parse_specs(
        "# comment\n\nweather.txt: weather\nsum.txt: powersum --json ; check-scale 0.001\n",
    )
    .unwrap();
    assert_eq!(specs.len(), 2);
    assert_eq!(specs[0].args, ["weather"]);
    assert_eq!(specs[0].check_scale, DEFAULT_CHECK_SCALE);
    assert_eq!(specs[1].check_scale, 0.001);
    assert_eq!(
        specs[1].check_args(),
        ["powersum", "--json", "--scale", "0.001", "--rounds", "2"]
    );
    assert!(parse_specs("no colon here").is_err());
    assert!(parse_specs("a.txt: x\na.txt: y").is_err());
    assert!(parse_specs("a.txt: x ; speed 3").is_err());
    let with_features = parse_specs("d.txt: detect ; features detect check-scale 1").unwrap();
    assert_eq!(with_features[0].features, ["detect"]);
    assert_eq!(with_features[0].check_scale, 1.0);
    assert_eq!(
        command_line_with_features(
            "deadlock",
            &with_features[0].features,
            &with_features[0].args
        ),
        "$ cargo run --release -p deadlock --features detect -- detect"
    );
}

#[test]
fn check_args_replace_the_scale() {
    let spec = Spec {
        file: "a.txt".into(),
        args: vec!["w".into(), "--scale".into(), "1".into()],
        check_scale: 0.01,
        features: vec![],
    };
    assert_eq!(spec.check_args(), ["w", "--scale", "0.01", "--rounds", "2"]);
    assert_eq!(
        Spec {
            args: vec!["w".into(), "--rounds".into(), "9".into()],
            ..spec
        }
        .check_args(),
        ["w", "--scale", "0.01", "--rounds", "2"]
    );
}

#[test]
fn masking_keeps_words_and_hides_numbers() {
    assert_eq!(
        mask("| sequential |  6.004 s | 1.00x |"),
        mask("| sequential | 60.4 ms | 12.50x |")
    );
    assert_eq!(mask("Bangkok: 31 C after 2.0 s"), "Bangkok: # C after #");
    assert_ne!(mask("balance: -120"), mask("balance: 0"));
    assert_ne!(mask("[exit status 3]"), mask("[exit status 4]"));
    assert_ne!(mask("3 cities"), mask("3 sleeps"));
    assert_eq!(mask("|---------|----|"), mask("|--|-------|"));
}

#[test]
fn a_hung_program_is_killed() {
    let sh = Path::new("/bin/sh");
    if !sh.exists() {
        return;
    }
    let result = run_bounded(
        sh,
        &["-c".into(), "sleep 30".into()],
        &[],
        Duration::from_millis(200),
    );
    assert!(result.is_err());
    let ok = run_bounded(
        sh,
        &["-c".into(), "echo hi; exit 3".into()],
        &[],
        Duration::from_secs(20),
    )
    .unwrap();
    assert_eq!(body(&ok), "hi\n[exit status 3]\n");
}

#[test]
fn a_number_edited_by_hand_no_longer_matches_the_sidecar() {
    let mut results = crate::Results::new();
    results
        .push_samples("sum", "1 thread", vec![1.0, 1.2, 1.1], None)
        .with("counted", 7);
    let document = results.document();
    let body = format!("Adding up.\n{}", results.to_text());
    check_rendering(&body, &document).unwrap();
    let edited = body.replace("1.100 s", "1.000 s");
    let err = check_rendering(&edited, &document).unwrap_err().to_string();
    assert!(err.contains("1.000 s (1.000–1.200)"), "{err}");
    // A --json transcript is compared row by row.
    check_rendering(&results.to_json(), &document).unwrap();
    let other = results.to_json().replace("1.1", "1.3");
    assert!(check_rendering(&other, &document).is_err());
}

#[test]
fn one_table_per_experiment_renders_the_same_document() {
    let mut results = crate::Results::new();
    results.push_samples("sum, A", "1 thread", vec![1.0, 1.2, 1.1], None);
    results.push_samples("sum, A", "2 threads", vec![0.5, 0.6, 0.55], None);
    results.push_samples("sum, B", "1 thread", vec![2.0, 2.2, 2.1], None);
    let ceiling = crate::bench::Ceiling::new(2.0, "two cores");
    results
        .paired_speedup("sum, A", "2 threads", "1 thread", &ceiling)
        .unwrap();
    let text = results.to_text_by_experiment();
    assert!(text.contains("\nsum, A\n| variant"), "{text}");
    assert!(text.contains("\nsum, B\n| variant"), "{text}");
    assert!(!text.contains("| experiment"), "{text}");
    assert!(text.trim_end().ends_with("(tolerance 5 %)"), "{text}");
    let document = results.document();
    check_rendering(&text, &document).unwrap();
    let edited = text.replace("2.100 s", "2.000 s");
    assert!(check_rendering(&edited, &document).is_err());
}

#[test]
fn machine_and_bug_lines_are_masked() {
    assert_eq!(
        mask("Machine: delivered 1.98 of 2 cores\n| a |"),
        mask(
            "Machine: your machine gave this run 1.10 of its 2 cores,\n\
             Machine: so the machine, not the program, limited the speedups.\n\
             Machine: 2 threads reached 0.98 of the cores delivered (1.08x).\n| a |"
        )
    );
    let bug = format!(
        "{} the median...\n  ...wrapped\n| a |",
        crate::results::BUG_PREFIX
    );
    assert_eq!(mask(&bug), mask("| a |"));
    // A `--json` document says whether the machine was disturbed: the
    // machine's, like its `Machine:` lines; the key and indentation stay.
    assert_eq!(
        mask("{\n  \"disturbed\": false,\n  \"rows\": []\n}"),
        mask("{\n  \"disturbed\": true,\n  \"rows\": []\n}")
    );
    assert_ne!(
        mask("  \"disturbed\": false,"),
        mask("    \"disturbed\": false,")
    );
    assert_ne!(
        mask("  \"gil_enabled\": false,"),
        mask("  \"gil_enabled\": true,")
    );
}

#[test]
fn the_source_digest_follows_the_labs_own_files() {
    let dir = std::env::temp_dir().join(format!("labkit-digest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("outputs")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), "[package]").unwrap();
    std::fs::write(dir.join("src/main.rs"), "fn main() {}").unwrap();
    let first = source_digest(&dir).unwrap();
    assert!(
        first.starts_with("fnv1a64:") && first.len() == 24,
        "{first}"
    );
    std::fs::write(dir.join("outputs/x.txt"), "output").unwrap();
    std::fs::write(dir.join("src/.main.rs.swp"), "editor").unwrap();
    assert_eq!(
        source_digest(&dir).unwrap(),
        first,
        "outputs are not sources"
    );
    std::fs::write(dir.join("src/main.rs"), "fn main() { }").unwrap();
    assert_ne!(source_digest(&dir).unwrap(), first);
    assert_eq!(source_files(&dir).unwrap(), ["Cargo.toml", "src/main.rs"]);
    let _ = std::fs::remove_dir_all(&dir);
}
