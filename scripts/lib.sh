# Shared helpers for the scripts (sourced, not run).

# Swift may live in /opt/swift on the build machines.
if ! command -v swift >/dev/null && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

# A TCP port free on 127.0.0.1 right now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits up to $2 seconds (default 10) for something to accept connections on 127.0.0.1:$1.
wait_for_port() {
    local port=$1 tries=$(( ${2:-10} * 20 ))
    for _ in $(seq "$tries"); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# Starts mosquitto on 127.0.0.1:$1 with its files in $2; prints its pid.
start_broker() {
    local port=$1 dir=$2
    cat > "$dir/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence false
CONF
    # Started as root, mosquitto drops to its own user unless told otherwise (see notes/peers.md).
    if [ "$(id -u)" -eq 0 ]; then echo "user root" >> "$dir/mosquitto.conf"; fi
    local bin
    bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
    "$bin" -c "$dir/mosquitto.conf" > "$dir/mosquitto.log" 2>&1 &
    echo $!
}
