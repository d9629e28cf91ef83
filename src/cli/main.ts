console.log('netlens')
