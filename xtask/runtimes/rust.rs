//! Rust's std::net: TcpListener::bind, TcpStream::connect, UdpSocket::bind.
use std::io::Read;
use std::net::{TcpListener, TcpStream, UdpSocket};

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("0.0.0.0:0")?;
    let port = listener.local_addr()?.port();
    let _client = TcpStream::connect(("127.0.0.1", port))?;
    let _accepted = listener.accept()?;
    let _udp = UdpSocket::bind("0.0.0.0:0")?;
    println!("ready");
    let mut rest = Vec::new();
    std::io::stdin().read_to_end(&mut rest)?;
    Ok(())
}
