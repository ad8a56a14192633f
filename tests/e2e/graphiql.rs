//! GraphiQL (GET /graphql, the vendored 3.8.3) in a real headless Chromium: it loads the schema with its own
//! introspection query, and its documentation explorer lists the Query type's fields, with no error anywhere
//! on the page (such as the "Query is nested too deep" the depth limit once answered). SQLite only: the
//! schema does not depend on the database. Without Chromium the test is skipped with a warning, except in CI.

use std::time::Duration;

use xyd_testkit::Page;
use xyd_tests::{Backend, TestApp};

use crate::dashboard::browser;

/// What the page must never show.
const ERRORS: [&str; 4] = ["nested too deep", "Error fetching schema", "\"errors\"", "嵌套"];

/// Click the element `selector` whose text is `text` (any, when empty); whether there was one.
const CLICK: &str = r#"((selector, text) => {
    const target = [...document.querySelectorAll(selector)].find((e) => !text || e.textContent.trim() === text);
    if (target) target.click();
    return Boolean(target);
})"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_shows_the_query_fields_in_its_docs_explorer() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let Some(browser) = browser().await else { return };
    let page = browser.new_page().await;
    page.goto(&app.url("/graphql")).await;

    let docs = r#"[aria-label="Show Documentation Explorer"]"#;
    wait(&page, &format!("document.querySelector('{docs}')")).await;
    assert_eq!(page.eval(&format!("{CLICK}('{docs}', '')")).await, true);
    // The root types appear once the introspection answer is in; a refused one shows an error instead.
    let query_link = ".graphiql-doc-explorer-root-type + .graphiql-doc-explorer-type-name";
    wait(&page, &format!("document.querySelector('{query_link}, .graphiql-doc-explorer-error')")).await;
    let refused = page.eval("document.querySelector('.graphiql-doc-explorer-error')?.textContent").await;
    assert!(
        refused.is_null(),
        "the docs explorer shows {refused}: {:?}",
        page.try_eval("document.body.innerText").await
    );
    assert_eq!(page.eval(&format!("{CLICK}('{query_link}', 'Query')")).await, true);
    let fields = ".graphiql-doc-explorer-field-name";
    wait(&page, &format!("document.querySelectorAll('{fields}').length > 10")).await;

    let shown =
        page.eval(&format!("[...document.querySelectorAll('{fields}')].map((e) => e.textContent.trim())")).await;
    let shown: Vec<&str> = shown.as_array().unwrap().iter().filter_map(|f| f.as_str()).collect();
    for field in ["products", "region", "me"] {
        assert!(shown.contains(&field), "the docs explorer lists Query.{field}: {shown:?}");
    }
    let title = page.eval("document.querySelector('.graphiql-doc-explorer-title')?.textContent").await;
    assert_eq!(title, "Query");
    let text = page.eval("document.body.innerText").await;
    let text = text.as_str().unwrap_or_default();
    for error in ERRORS {
        assert!(!text.contains(error), "the page shows {error:?}:\n{text}");
    }
    assert_eq!(page.eval("document.querySelectorAll('.graphiql-doc-explorer-error').length").await, 0);
    browser.close().await;
}

/// Wait up to 20 s for `condition`, failing with what the page shows and logged.
async fn wait(page: &Page, condition: &str) {
    if let Err(e) = page.wait_for(condition, Duration::from_secs(20)).await {
        let text = page.try_eval("document.body.innerText").await;
        panic!("{e}\npage: {text:?}\nbrowser log:\n{}", page.log().await.join("\n"));
    }
}
