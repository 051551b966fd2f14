//! `nianbao serve`: the live preview, built in memory, reloaded on every change.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;

use super::fail;

#[derive(Args)]
pub(crate) struct ServeArgs {
    /// 端口；默认 1111，被占用时自动改用下一个空闲端口
    #[arg(long, value_name = "端口")]
    port: Option<u16>,
    /// 监听的地址；默认 127.0.0.1，只允许本机访问
    #[arg(
        long,
        default_value = "127.0.0.1",
        hide_default_value = true,
        value_name = "地址"
    )]
    interface: std::net::IpAddr,
    /// 网站在门户中的子路径，如 /zwgk/ndbg/；默认 /
    #[arg(
        long,
        default_value = "/",
        hide_default_value = true,
        value_name = "路径"
    )]
    base_path: String,
    /// 定时轮询文件变化（网络盘、容器、WSL 中收不到文件事件时使用）
    #[arg(long)]
    poll: bool,
    /// 文件变化后等待多少毫秒再重新生成；默认 50
    #[arg(
        long,
        default_value_t = 50,
        hide_default_value = true,
        value_name = "毫秒"
    )]
    debounce: u64,
    /// 启动后用浏览器打开
    #[arg(long)]
    open: bool,
    /// 只预览这个机关（content/ 下的文件夹名）；可以写多次
    #[arg(long = "agency", value_name = "代号")]
    agencies: Vec<String>,
}

impl ServeArgs {
    pub(crate) fn run(self, root: &Path) -> ExitCode {
        let options = nianbao::serve::ServeOptions {
            root: root.to_path_buf(),
            interface: self.interface,
            port: self.port.unwrap_or(1111),
            port_given: self.port.is_some(),
            base_path: nianbao::serve::normalise_base_path(&self.base_path),
            poll: self.poll,
            debounce: std::time::Duration::from_millis(self.debounce),
            open: self.open,
            agencies: self.agencies,
        };
        match nianbao::serve::serve(options) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => fail(err),
        }
    }
}
