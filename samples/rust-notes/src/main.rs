//! rust-notes: an MCP notes server for wasm32-wasip1, built on rmcp (the official Rust SDK).
//!
//! Notes live as one JSON file each (`n-<number>.json`) in the directory the host mounts
//! read-write at `/notes`, so they persist across restarts. The server keeps its own
//! accounting of the bytes it stores and refuses to go past a quota (1 MiB, the same as the
//! manifest's `filesystemQuota`); a host-side quota refusal is reported the same way.
//!
//! rmcp's `transport::stdio()` needs tokio's `io-std`, which does not work on wasip1; the
//! transport comes from the guest kit instead (`mcpwasm_guest::stdio`, guest-kits/rust).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use rmcp::handler::server::{router::tool::ToolRouter, wrapper::Parameters};
use rmcp::model::{Implementation, ServerCapabilities, ServerConfig};
use mcpwasm_guest::stdio;
use rmcp::{tool, tool_handler, tool_router, ServerHandler, ServiceExt};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

const NOTES_DIR: &str = "/notes";
/// Bytes of note files this server is willing to keep (matches the manifest's quota).
const QUOTA_BYTES: u64 = 1024 * 1024;
const MAX_TITLE_CHARS: usize = 200;
const MAX_LISTED: usize = 500;
const SNIPPET_CHARS: usize = 80;

/// One stored note, as written to `<dir>/<id>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Note {
    id: String,
    title: String,
    body: String,
    /// Seconds since the Unix epoch (0 when the host grants no wall clock).
    created: u64,
}

/// The notes directory and the server's view of its size.
#[derive(Debug)]
struct Store {
    dir: PathBuf,
    /// Guards id allocation and quota accounting; tool calls may run concurrently.
    lock: Mutex<()>,
}

impl Store {
    fn note_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Every `n-<number>.json` file, sorted by number; unreadable files are skipped.
    fn load_all(&self) -> Result<Vec<(u64, Note, u64)>, String> {
        let entries = fs::read_dir(&self.dir).map_err(|e| io_problem("cannot list the notes directory", &self.dir, &e))?;
        let mut notes = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(number) = name.to_str().and_then(|n| n.strip_suffix(".json")).and_then(parse_id) else {
                continue;
            };
            let path = entry.path();
            let Ok(bytes) = fs::read(&path) else { continue };
            match serde_json::from_slice::<Note>(&bytes) {
                Ok(note) => notes.push((number, note, bytes.len() as u64)),
                Err(e) => eprintln!("rust-notes: skipping {}: {e}", path.display()),
            }
        }
        notes.sort_by_key(|(n, _, _)| *n);
        Ok(notes)
    }

    fn used_bytes(&self) -> Result<u64, String> {
        let entries = fs::read_dir(&self.dir).map_err(|e| io_problem("cannot list the notes directory", &self.dir, &e))?;
        Ok(entries.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum())
    }
}

/// `n-<number>` -> number; anything else (paths, dots, letters) is refused.
fn parse_id(id: &str) -> Option<u64> {
    let digits = id.strip_prefix("n-")?;
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn io_problem(what: &str, path: &Path, e: &io::Error) -> String {
    let why = match e.kind() {
        io::ErrorKind::NotFound => "not found (is the /notes mount granted?)".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied (the /notes mount must be read-write)".to_string(),
        io::ErrorKind::ReadOnlyFilesystem => "the mount is read-only (the /notes mount must be read-write)".to_string(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            "the host's filesystem quota for /notes is exhausted".to_string()
        }
        _ => e.to_string(),
    };
    format!("{what} {}: {why}", path.display())
}

fn snippet(text: &str, query_lower: &str) -> String {
    let flat: String = text.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
    let lower = flat.to_lowercase();
    // Start a little before the match when the lower-cased text lines up with the original.
    let start_chars = match lower.find(query_lower) {
        Some(byte) if lower.len() == flat.len() => flat[..byte].chars().count().saturating_sub(20),
        _ => 0,
    };
    let piece: String = flat.chars().skip(start_chars).take(SNIPPET_CHARS).collect();
    let prefix = if start_chars > 0 { "..." } else { "" };
    let suffix = if flat.chars().count() > start_chars + SNIPPET_CHARS { "..." } else { "" };
    format!("{prefix}{piece}{suffix}")
}

#[derive(Debug, Deserialize, JsonSchema)]
struct AddNoteArgs {
    /// Title of the note (1 to 200 characters).
    title: String,
    /// Text of the note.
    body: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct SearchArgs {
    /// Text to look for, case-insensitive, in titles and bodies.
    query: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct DeleteArgs {
    /// Id of the note to delete, as shown by list_notes (e.g. "n-3").
    id: String,
}

/// The MCP server: the tools below plus rmcp's protocol handling.
#[derive(Debug, Clone)]
struct NotesServer {
    store: std::sync::Arc<Store>,
    /// Built once in `new`; `#[tool_handler(router = ...)]` below routes every call through it.
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl NotesServer {
    fn new(dir: PathBuf) -> Self {
        Self { store: std::sync::Arc::new(Store { dir, lock: Mutex::new(()) }), tool_router: Self::tool_router() }
    }

    #[tool(description = "Add a note with a title and a body. Returns its id (n-<number>). Refused when the notes would exceed their 1 MiB quota.")]
    async fn add_note(&self, Parameters(args): Parameters<AddNoteArgs>) -> Result<String, String> {
        let title = args.title.trim();
        if title.is_empty() {
            return Err("title must not be empty".into());
        }
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(format!("title is longer than {MAX_TITLE_CHARS} characters"));
        }
        let _guard = self.store.lock.lock().map_err(|_| "internal error: lock poisoned".to_string())?;
        let notes = self.store.load_all()?;
        let next = notes.last().map_or(1, |(n, _, _)| n + 1);
        let id = format!("n-{next}");
        let created = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let note = Note { id: id.clone(), title: title.to_string(), body: args.body, created };
        let bytes = serde_json::to_vec_pretty(&note).map_err(|e| format!("cannot encode the note: {e}"))?;
        let used = self.store.used_bytes()?;
        if used + bytes.len() as u64 > QUOTA_BYTES {
            return Err(format!(
                "quota exceeded: this note needs {} bytes but only {} of the {} byte notes quota are free; delete notes first",
                bytes.len(),
                QUOTA_BYTES.saturating_sub(used),
                QUOTA_BYTES
            ));
        }
        let path = self.store.note_path(&id);
        let tmp = self.store.dir.join(format!(".{id}.tmp"));
        let written = fs::File::create(&tmp).and_then(|mut f| f.write_all(&bytes).and_then(|_| f.sync_all()));
        if let Err(e) = written.and_then(|_| fs::rename(&tmp, &path)) {
            let _ = fs::remove_file(&tmp);
            return Err(io_problem("cannot save the note to", &path, &e));
        }
        Ok(format!("added {id}: {title} ({} bytes)", note.body.len()))
    }

    #[tool(description = "List the notes: id, title, body size and creation time (Unix seconds), oldest first.")]
    async fn list_notes(&self) -> Result<String, String> {
        let notes = self.store.load_all()?;
        if notes.is_empty() {
            return Ok("no notes yet".into());
        }
        let mut out: Vec<String> = notes
            .iter()
            .take(MAX_LISTED)
            .map(|(_, n, _)| format!("{}\t{}\t({} bytes, created {})", n.id, n.title, n.body.len(), n.created))
            .collect();
        if notes.len() > MAX_LISTED {
            out.push(format!("[{} more notes not shown]", notes.len() - MAX_LISTED));
        }
        Ok(out.join("\n"))
    }

    #[tool(description = "Find notes whose title or body contains the query (case-insensitive). Returns id, title and a snippet per note.")]
    async fn search_notes(&self, Parameters(args): Parameters<SearchArgs>) -> Result<String, String> {
        let query = args.query.trim().to_lowercase();
        if query.is_empty() {
            return Err("query must not be empty".into());
        }
        let hits: Vec<String> = self
            .store
            .load_all()?
            .iter()
            .filter(|(_, n, _)| n.title.to_lowercase().contains(&query) || n.body.to_lowercase().contains(&query))
            .take(MAX_LISTED)
            .map(|(_, n, _)| format!("{}\t{}\t{}", n.id, n.title, snippet(&n.body, &query)))
            .collect();
        if hits.is_empty() {
            return Ok(format!("no notes match \"{}\"", args.query.trim()));
        }
        Ok(hits.join("\n"))
    }

    #[tool(description = "Delete the note with the given id (e.g. \"n-3\").")]
    async fn delete_note(&self, Parameters(args): Parameters<DeleteArgs>) -> Result<String, String> {
        let id = args.id.trim();
        if parse_id(id).is_none() {
            return Err(format!("invalid id \"{id}\": ids look like n-1, n-2, ..."));
        }
        let _guard = self.store.lock.lock().map_err(|_| "internal error: lock poisoned".to_string())?;
        let path = self.store.note_path(id);
        match fs::remove_file(&path) {
            Ok(()) => Ok(format!("deleted {id}")),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(format!("no note with id {id}")),
            Err(e) => Err(io_problem("cannot delete", &path, &e)),
        }
    }
}

// Without `router = ...` the generated call_tool and list_tools build a new router (every tool's schema,
// a SipHash map) on each request: half of the guest's time in a list_notes call.
#[tool_handler(router = self.tool_router)]
impl ServerHandler for NotesServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("rust-notes", env!("CARGO_PKG_VERSION")))
            .with_instructions("A small notebook: add, list, search and delete notes. Notes persist in the /notes mount.")
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = std::env::args().nth(1).map_or_else(|| PathBuf::from(NOTES_DIR), PathBuf::from);
    if !dir.is_dir() {
        eprintln!("rust-notes: warning: {} is not a directory; tools will report errors", dir.display());
    }
    let result = async move {
        let service = NotesServer::new(dir)
            .serve(stdio())
            .await
            .map_err(|e| format!("initialization failed: {e}"))?;
        service.waiting().await.map_err(|e| format!("server task failed: {e}"))?;
        Ok::<(), String>(())
    }
    .await;
    if let Err(e) = result {
        eprintln!("rust-notes: {e}");
        std::process::exit(1);
    }
}
