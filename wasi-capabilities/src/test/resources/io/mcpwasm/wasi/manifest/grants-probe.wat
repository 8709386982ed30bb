;; grants-probe: prints what a guest can see of its grants, one line each, through wasi_snapshot_preview1 only.
;;   E:<environ block, NUL-separated>
;;   P:<guest path of each preopen, fd 3 upwards>
;;   S:<contents of file "token" in the last preopen> (or S!<errno>)
;;   W:<errno of creating "new.txt" in the first preopen, fd 3> (00 = success)
;;   C:<realtime clock, nanoseconds, 16 hex digits>
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "token")
  (data (i32.const 110) "new.txt")
  (data (i32.const 120) "P:")
  (data (i32.const 123) "S:")
  (data (i32.const 126) "W:")
  (data (i32.const 129) "C:")
  (data (i32.const 132) "\n")
  (data (i32.const 134) "E:")
  (data (i32.const 137) "S!")
  (data (i32.const 140) "0123456789abcdef")

  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $newline (call $write (i32.const 132) (i32.const 1)))

  ;; writes a two-digit decimal number (0..99)
  (func $write2 (param $n i32)
    (i32.store8 (i32.const 200) (i32.add (i32.const 48) (i32.div_u (local.get $n) (i32.const 10))))
    (i32.store8 (i32.const 201) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
    (call $write (i32.const 200) (i32.const 2)))

  (func (export "_start")
    (local $fd i32) (local $err i32) (local $i i32) (local $t i64)
    ;; environment
    (drop (call $environ_sizes_get (i32.const 40) (i32.const 44)))
    (drop (call $environ_get (i32.const 1024) (i32.const 2048)))
    (call $write (i32.const 134) (i32.const 2))
    (call $write (i32.const 2048) (i32.load (i32.const 44)))
    (call $newline)
    ;; preopens
    (local.set $fd (i32.const 3))
    (block $done
      (loop $next
        (br_if $done (i32.ne (call $prestat_get (local.get $fd) (i32.const 16)) (i32.const 0)))
        (drop (call $prestat_dir_name (local.get $fd) (i32.const 300) (i32.load (i32.const 20))))
        (call $write (i32.const 120) (i32.const 2))
        (call $write (i32.const 300) (i32.load (i32.const 20)))
        (call $newline)
        (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
        (br $next)))
    ;; the secret: "token" in the last preopen, read rights
    (local.set $err (call $path_open (i32.sub (local.get $fd) (i32.const 1)) (i32.const 0) (i32.const 100) (i32.const 5) (i32.const 0)
      (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 24)))
    (if (i32.eqz (local.get $err))
      (then
        (i32.store (i32.const 0) (i32.const 4096))
        (i32.store (i32.const 4) (i32.const 1024))
        (drop (call $fd_read (i32.load (i32.const 24)) (i32.const 0) (i32.const 1) (i32.const 28)))
        (drop (call $fd_close (i32.load (i32.const 24))))
        (call $write (i32.const 123) (i32.const 2))
        (call $write (i32.const 4096) (i32.load (i32.const 28))))
      (else
        (call $write (i32.const 137) (i32.const 2))
        (call $write2 (local.get $err))))
    (call $newline)
    ;; create "new.txt" in fd 3: O_CREAT, write rights
    (local.set $err (call $path_open (i32.const 3) (i32.const 0) (i32.const 110) (i32.const 7) (i32.const 1)
      (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 24)))
    (call $write (i32.const 126) (i32.const 2))
    (call $write2 (local.get $err))
    (call $newline)
    ;; realtime clock as 16 hex digits
    (drop (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 32)))
    (local.set $t (i64.load (i32.const 32)))
    (local.set $i (i32.const 15))
    (block $hexdone
      (loop $hex
        (i32.store8 (i32.add (i32.const 200) (local.get $i))
          (i32.load8_u (i32.add (i32.const 140) (i32.wrap_i64 (i64.and (local.get $t) (i64.const 15))))))
        (local.set $t (i64.shr_u (local.get $t) (i64.const 4)))
        (br_if $hexdone (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $hex)))
    (call $write (i32.const 129) (i32.const 2))
    (call $write (i32.const 200) (i32.const 16))
    (call $newline))
)
