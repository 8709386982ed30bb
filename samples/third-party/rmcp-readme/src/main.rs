// rmcp's README (github.com/modelcontextprotocol/rust-sdk, "Tools" > "Server-side", rmcp 3.11.0): the
// Calculator with an explicit #[tool_handler], and the README's main. Two lines differ, both marked:
// the stdio transport comes from guest-kits/rust, and tokio runs its current-thread runtime (wasip1
// has no threads, so tokio's multi-thread default does not build there).
use rmcp::{handler::server::wrapper::Parameters, schemars, tool, tool_router, tool_handler, ServerHandler, ServiceExt};
use mcpwasm_guest::stdio; // changed: was `transport::stdio` in the use line above

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
struct AddParams {
    a: i32,
    b: i32,
}

#[derive(Clone)]
struct Calculator;

#[tool_router]
impl Calculator {
    #[tool(description = "Add two numbers")]
    fn add(&self, Parameters(AddParams { a, b }): Parameters<AddParams>) -> String {
        (a + b).to_string()
    }
}

#[tool_handler(name = "calculator", version = "1.0.0", instructions = "A simple calculator")]
impl ServerHandler for Calculator {}

#[tokio::main(flavor = "current_thread")] // changed: was #[tokio::main]
async fn main() -> anyhow::Result<()> {
    let service = Calculator.serve(stdio()).await?;
    service.waiting().await?;
    Ok(())
}
