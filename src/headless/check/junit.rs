//! The JUnit XML CI systems read (GitLab, Jenkins, GitHub's test reporters): one suite, a test
//! case a step, a `<failure>` with the step's words when it failed. Text is escaped for XML,
//! and control characters (which XML 1.0 cannot hold at all) were made visible before.

use std::time::Duration;

use super::Outcome;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

pub fn xml(suite: &str, results: &[Outcome], took: Duration) -> String {
    let failures = results.iter().filter(|r| !r.passed).count();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x += &format!(
        "<testsuites name=\"mqscope check\" tests=\"{}\" failures=\"{failures}\" time=\"{:.3}\">\n",
        results.len(),
        took.as_secs_f64()
    );
    x += &format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{:.3}\">\n",
        esc(suite),
        results.len(),
        took.as_secs_f64()
    );
    for r in results {
        let head = format!(
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            esc(suite),
            esc(&r.name),
            r.took.as_secs_f64()
        );
        if r.passed {
            x += &format!(
                "{head}>\n      <system-out>{}</system-out>\n    </testcase>\n",
                esc(&r.words)
            );
        } else {
            x += &format!(
                "{head}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                esc(&r.words),
                esc(&r.words)
            );
        }
    }
    x += "  </testsuite>\n</testsuites>\n";
    x
}
