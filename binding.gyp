{
  "targets": [
    {
      "target_name": "lobsim",
      "sources": [
        "<!@(node -e \"const fs=require('fs');for(const d of ['native/addon','native/core'])for(const f of fs.readdirSync(d).filter(f=>f.endsWith('.cpp')))console.log(d+'/'+f)\")"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native/core"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except_all"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++20", "-O3", "-fno-plt", "-fno-semantic-interposition", "-Wall", "-Wextra"],
      "cflags_cc!": ["-std=gnu++17", "-fno-exceptions"],
      "cflags!": ["-fno-exceptions"]
    }
  ]
}
